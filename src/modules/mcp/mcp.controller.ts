import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { Access } from '../../auth/access.decorator.js';
import { callerOf } from '../../auth/access.guard.js';
import { SkeinMcpServer } from './mcp.server.js';

/**
 * The MCP endpoint, Streamable HTTP in stateless mode: each POST gets its own server and transport, so any replica
 * answers any request. The door admits any valid credential; each tool then checks its REST twin's rule.
 */
@ApiTags('agents')
@Controller('mcp')
@Access.authenticated()
export class McpController {
  constructor(private readonly mcp: SkeinMcpServer) {}

  @Post()
  @ApiOperation({
    summary: 'Model Context Protocol (Streamable HTTP, stateless): JSON-RPC messages in, JSON answers out',
    description:
      'Tools: publish_article, get_feed, set_topics, push_features, get_online_features, start_generation, read_generation. Send Accept: application/json, text/event-stream; see the README, "Agents (MCP)".',
  })
  @ApiBody({ description: 'A JSON-RPC message (initialize, tools/list, tools/call, ...)', schema: { type: 'object' } })
  @ApiOkResponse({ description: 'The JSON-RPC answer', schema: { type: 'object' } })
  async message(@Req() req: Request, @Res() res: Response): Promise<void> {
    const server = this.mcp.serverFor(callerOf(req));
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
  @ApiOperation({ summary: 'Not served: the endpoint is stateless (405)' })
  listen(@Res() res: Response): void {
    methodNotAllowed(res);
  }

  @Delete()
  @ApiOperation({ summary: 'Not served: the endpoint has no sessions (405)' })
  endSession(@Res() res: Response): void {
    methodNotAllowed(res);
  }
}

/** Stateless: no standalone SSE stream to open (GET) and no session to end (DELETE). */
function methodNotAllowed(res: Response): void {
  res
    .status(405)
    .setHeader('Allow', 'POST')
    .json({
      jsonrpc: '2.0',
      error: {
        code: ErrorCode.ConnectionClosed,
        message: 'Method not allowed: this MCP endpoint is stateless (POST only)',
      },
      id: null,
    });
}
