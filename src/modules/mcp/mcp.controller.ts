import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { Access } from '../../auth/access.decorator.js';
import { callerOf } from '../../auth/access.guard.js';
import { SkeinMcpServer } from './mcp.server.js';
import { McpSessions } from './mcp.sessions.js';

/**
 * The MCP endpoint, Streamable HTTP. Without a session it is stateless: each POST gets its own server and transport,
 * so any replica answers any request. An initialize opens a session on this replica (Mcp-Session-Id), which the SDK's
 * clients then use for every request: its GET stream carries resource update notifications; DELETE ends it. The door
 * admits any valid credential; each tool and resource then checks its REST twin's rule.
 */
@ApiTags('agents')
@Controller('mcp')
@Access.authenticated()
export class McpController {
  constructor(
    private readonly mcp: SkeinMcpServer,
    private readonly sessions: McpSessions,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Model Context Protocol (Streamable HTTP): JSON-RPC messages in, JSON answers out',
    description:
      'Tools: publish_article, get_feed, set_topics, push_features, get_online_features, start_generation, read_generation. Resources: skein://users/{uid}/feed, skein://llm/streams/{id} (subscribe in a session). Send Accept: application/json, text/event-stream; see the README, "Agents (MCP)".',
  })
  @ApiBody({ description: 'A JSON-RPC message (initialize, tools/list, tools/call, ...)', schema: { type: 'object' } })
  @ApiOkResponse({ description: 'The JSON-RPC answer', schema: { type: 'object' } })
  @ApiTooManyRequestsResponse({ description: 'An initialize over MCP_MAX_SESSIONS_PER_CREDENTIAL (Retry-After)' })
  async message(@Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = callerOf(req);
    const id = sessionIdOf(req);
    if (id !== undefined) return this.inSession(id, req, res, req.body);
    if (isInitializeRequest(req.body)) {
      const session = this.sessions.open(caller);
      session.server = this.mcp.serverFor(caller, session);
      await session.server.connect(session.transport);
      this.mcp.refuseUnknownTools(session.transport);
      session.track(res);
      await session.transport.handleRequest(req, res, req.body);
      // An initialize the transport refused opened nothing.
      if (session.transport.sessionId === undefined) await session.close();
      return;
    }
    const server = this.mcp.serverFor(caller);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    this.mcp.refuseUnknownTools(transport);
    await transport.handleRequest(req, res, req.body);
  }

  @Get()
  @ApiOperation({ summary: "A session's stream of notifications (Mcp-Session-Id); without a session 405" })
  async listen(@Req() req: Request, @Res() res: Response): Promise<void> {
    const id = sessionIdOf(req);
    if (id === undefined) return methodNotAllowed(res);
    await this.inSession(id, req, res);
  }

  @Delete()
  @ApiOperation({ summary: 'Ends a session (Mcp-Session-Id) and its subscriptions; without a session 405' })
  async endSession(@Req() req: Request, @Res() res: Response): Promise<void> {
    const id = sessionIdOf(req);
    if (id === undefined) return methodNotAllowed(res);
    await this.inSession(id, req, res);
  }

  /** A request of session `id`: 404 (the client initializes anew) when it is closed, elsewhere or someone else's. */
  private async inSession(id: string, req: Request, res: Response, body?: unknown): Promise<void> {
    const session = this.sessions.find(id, callerOf(req));
    if (!session) {
      res.status(404).json({
        jsonrpc: '2.0',
        error: { code: -32001, message: 'Session not found: initialize a new one' },
        id: null,
      });
      return;
    }
    session.track(res);
    await session.transport.handleRequest(req, res, body);
  }
}

function sessionIdOf(req: Request): string | undefined {
  const id = req.headers['mcp-session-id'];
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** No session named: no standalone SSE stream to open (GET) and no session to end (DELETE). */
function methodNotAllowed(res: Response): void {
  res
    .status(405)
    .setHeader('Allow', 'POST')
    .json({
      jsonrpc: '2.0',
      error: {
        code: ErrorCode.ConnectionClosed,
        message: 'Method not allowed without Mcp-Session-Id: POST, or GET/DELETE a session',
      },
      id: null,
    });
}
