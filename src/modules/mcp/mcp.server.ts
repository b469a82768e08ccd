import { HttpException, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { UriTemplate, type Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  ErrorCode,
  isJSONRPCRequest,
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type CallToolResult,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../../auth/access-rule.js';
import { AccessService } from '../../auth/access.service.js';
import { isHeadered } from '../../http/headered-exception.filter.js';
import { MCP_TOOLS, type McpResource, type McpTool, type McpToolSource } from '../../mcp/mcp-tool.js';
import type { McpSession } from './mcp.sessions.js';

/** Resource subscriptions one session may hold at once. */
export const MAX_SUBSCRIPTIONS = 100;
/** The MCP specification's error code for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;

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
  private resources: { resource: McpResource; template: UriTemplate }[] = [];
  private names: ReadonlySet<string> = new Set();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  onModuleInit(): void {
    const sources = this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.metatype && wrapper.instance && this.reflector.get(MCP_TOOLS, wrapper.metatype))
      .map((wrapper) => wrapper.instance as McpToolSource);
    this.tools = sources.flatMap((source) => source.tools()).sort((a, b) => a.name.localeCompare(b.name));
    this.resources = sources
      .flatMap((source) => source.resources?.() ?? [])
      .map((resource) => ({ resource, template: new UriTemplate(resource.uriTemplate) }));
    const names = this.tools.map((tool) => tool.name);
    const twice = names.filter((name, i) => names.indexOf(name) !== i);
    if (twice.length > 0) throw new Error(`MCP tools declared twice: ${twice.join(', ')}`);
    this.names = new Set(names);
  }

  get toolNames(): readonly string[] {
    return [...this.names];
  }

  /**
   * A server for `caller`: for one HTTP request (stateless: nothing outlives it), or for the life of `session`, the
   * only kind that may subscribe to resources.
   */
  serverFor(caller: Principal, session?: McpSession): McpServer {
    const server = new McpServer(SERVER_INFO, { capabilities: { tools: {}, resources: { subscribe: true } } });
    for (const { resource } of this.resources) {
      server.registerResource(
        resource.name,
        new ResourceTemplate(resource.uriTemplate, { list: undefined }),
        { title: resource.title, description: resource.description, mimeType: 'application/json' },
        (uri, variables, extra) => this.read(resource, uri, variables, caller, extra.signal),
      );
    }
    server.server.setRequestHandler(SubscribeRequestSchema, async (request, extra) => {
      if (!session) {
        throw new McpError(
          ErrorCode.InvalidRequest,
          'resources/subscribe needs a session: send initialize without Mcp-Session-Id and use the id it answers',
        );
      }
      await this.subscribe(server, session, request.params.uri, caller, extra.signal);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      session?.subscriptions.get(request.params.uri)?.abort();
      session?.subscriptions.delete(request.params.uri);
      return {};
    });
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

  private async read(
    resource: McpResource,
    uri: URL,
    variables: Variables,
    caller: Principal,
    signal: AbortSignal,
  ): Promise<ReadResourceResult> {
    try {
      const vars = flatten(variables);
      const { rule, params = {} } = resource.access(vars);
      this.access.authorize(rule, caller, params);
      const data = await resource.read(vars, signal);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(data) }] };
    } catch (error) {
      throw this.protocolError(resource.name, error);
    }
  }

  /**
   * Starts watching `uri` for `session`: the caller may read it and it exists (read once, as resources/read would),
   * then each change sends notifications/resources/updated until unsubscribe or the session's end.
   */
  private async subscribe(
    server: McpServer,
    session: McpSession,
    uri: string,
    caller: Principal,
    signal: AbortSignal,
  ): Promise<void> {
    const match = this.match(uri);
    if (!match) throw new McpError(ErrorCode.InvalidParams, `Resource ${uri} not found`);
    const { resource, vars } = match;
    try {
      const { rule, params = {} } = resource.access(vars);
      this.access.authorize(rule, caller, params);
      await resource.read(vars, signal);
    } catch (error) {
      throw this.protocolError(resource.name, error);
    }
    if (session.subscriptions.has(uri)) return;
    if (session.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      throw new McpError(
        ErrorCode.InvalidRequest,
        `429 Too Many Requests: a session holds ${MAX_SUBSCRIPTIONS} subscriptions at most`,
      );
    }
    const watch = new AbortController();
    session.subscriptions.set(uri, watch);
    const changed = (): void => {
      if (!watch.signal.aborted) void server.server.sendResourceUpdated({ uri }).catch(() => undefined);
    };
    resource
      .watch(vars, changed, watch.signal)
      .catch((error: unknown) => {
        if (!watch.signal.aborted) this.logger.warn(`MCP watch of ${uri} ended: ${(error as Error).message}`);
      })
      .finally(() => {
        if (session.subscriptions.get(uri) === watch) session.subscriptions.delete(uri);
      });
  }

  private match(uri: string): { resource: McpResource; vars: Record<string, string> } | undefined {
    for (const { resource, template } of this.resources) {
      const variables = template.match(uri);
      if (variables) return { resource, vars: flatten(variables) };
    }
    return undefined;
  }

  /** A REST refusal as the protocol's error: -32002 for a missing resource, else -32602 with the REST answer's words. */
  private protocolError(name: string, error: unknown): McpError {
    if (error instanceof McpError) return error;
    if (!(error instanceof HttpException)) {
      this.logger.error(`MCP resource ${name} failed: ${(error as Error).stack ?? String(error)}`);
      return new McpError(ErrorCode.InternalError, `${name} failed: internal error`);
    }
    const code = error.getStatus() === 404 ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams;
    return new McpError(code, describe(error));
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
    return { isError: true, content: [{ type: 'text', text: describe(error) }] };
  }
}

/** The REST answer's status and message(s), e.g. "403 Forbidden: this needs ... scope ingest". */
function describe(error: HttpException): string {
  const body = error.getResponse();
  const message = typeof body === 'object' && 'message' in body ? body.message : body;
  const messages = (Array.isArray(message) ? message : [message]).map(String);
  const retry = isHeadered(error) ? error.headers['Retry-After'] : undefined;
  return (
    `${error.getStatus()} ${statusName(error)}: ${messages.join('; ')}` + (retry ? ` (retry after ${retry} s)` : '')
  );
}

/** A template's variables as single decoded strings, as a REST route's path parameters (no list variables here). */
function flatten(variables: Variables): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [name, decode(Array.isArray(value) ? value.join(',') : value)]),
  );
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function statusName(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
    return (body as { error: string }).error;
  }
  return error.name.replace(/Exception$/, '');
}
