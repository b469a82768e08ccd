import { HttpException, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, isJSONRPCRequest, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/access-rule.js';
import { AccessService } from '../../auth/access.service.js';
import { isHeadered } from '../../http/headered-exception.filter.js';
import { MCP_TOOLS, type McpTool, type McpToolSource } from '../../mcp/mcp-tool.js';

export const SERVER_INFO = { name: 'skein', version: '0.1.0' };

/**
 * Skein's MCP server: the tools the stages declare (`@McpTools()` providers beside their controllers), each called
 * as its REST twin would be — the twin's access rule checked by AccessService for the caller the door admitted, the
 * twin's validation rules, the twin's service. Every failure of a call is a tool error result naming what is wrong.
 */
@Injectable()
export class SkeinMcpServer implements OnModuleInit {
  private readonly logger = new Logger(SkeinMcpServer.name);
  private tools: McpTool[] = [];
  private names: ReadonlySet<string> = new Set();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    this.tools = this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && wrapper.instance && this.reflector.get(MCP_TOOLS, wrapper.metatype))
      .flatMap((wrapper) => (wrapper.instance as McpToolSource).tools())
      .sort((a, b) => a.name.localeCompare(b.name));
    const names = this.tools.map((tool) => tool.name);
    const twice = names.filter((name, i) => names.indexOf(name) !== i);
    if (twice.length > 0) throw new Error(`MCP tools declared twice: ${twice.join(', ')}`);
    this.names = new Set(names);
  }

  get toolNames(): readonly string[] {
    return [...this.names];
  }

  /** A server for one HTTP request of `caller` (stateless: nothing outlives the request). */
  serverFor(caller: Principal): McpServer {
    const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} } });
    for (const tool of this.tools) {
      server.registerTool(
        tool.name,
        {
          title: tool.title,
          description: tool.description,
          // Strict, as REST's whitelist is: an argument no schema names is an error, not silently dropped.
          inputSchema: z.strictObject(tool.input),
          outputSchema: z.object(tool.output),
        },
        (args: Record<string, unknown>, extra) => this.call(tool, args, caller, extra.signal),
      );
    }
    return server;
  }

  /**
   * A call of a tool this server does not have is a protocol error (-32602), as the MCP specification has it; the
   * SDK's McpServer (1.x) would answer a tool error result instead.
   */
  refuseUnknownTools(transport: Transport): void {
    const dispatch = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message) && message.method === 'tools/call') {
        const name = (message.params as { name?: unknown } | undefined)?.name;
        if (typeof name === 'string' && !this.names.has(name)) {
          const error = { code: ErrorCode.InvalidParams, message: `Unknown tool: ${name}` };
          void transport.send({ jsonrpc: '2.0', id: message.id, error });
          return;
        }
      }
      dispatch?.(message, extra);
    };
  }

  private async call(
    tool: McpTool,
    args: Record<string, unknown>,
    caller: Principal,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    try {
      const { rule, params = {} } = tool.access(args);
      // The POST carrying this call already spent one request of the caller's budget at the door.
      this.access.authorize(rule, caller, params);
      const result = await tool.run(args, caller, signal);
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    } catch (error) {
      return this.failure(tool, error);
    }
  }

  /** The REST answer's status and message(s) as a tool error, e.g. "403 Forbidden: this needs ... scope ingest". */
  private failure(tool: McpTool, error: unknown): CallToolResult {
    if (!(error instanceof HttpException)) {
      this.logger.error(`MCP tool ${tool.name} failed: ${(error as Error).stack ?? String(error)}`);
      return { isError: true, content: [{ type: 'text', text: `${tool.name} failed: internal error` }] };
    }
    const body = error.getResponse();
    const message = typeof body === 'object' && 'message' in body ? body.message : body;
    const messages = (Array.isArray(message) ? message : [message]).map(String);
    const retry = isHeadered(error) ? error.headers['Retry-After'] : undefined;
    const text =
      `${error.getStatus()} ${statusName(error)}: ${messages.join('; ')}` + (retry ? ` (retry after ${retry} s)` : '');
    return { isError: true, content: [{ type: 'text', text }] };
  }
}

function statusName(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
    return (body as { error: string }).error;
  }
  return error.name.replace(/Exception$/, '');
}
