import { HttpException, HttpStatus, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { budgetOf, type Principal } from '../../auth/access-rule.js';
import { AppConfig } from '../../config/config.js';
import type { HeaderedException } from '../../http/headered-exception.filter.js';

/** Over MCP_MAX_SESSIONS_PER_CREDENTIAL with every one in use (a request or a GET stream open): 429. */
export class McpSessionsFullError extends HttpException implements HeaderedException {
  readonly headers: Record<string, string>;
  constructor(limit: number, idleMs: number) {
    super(
      `this credential holds ${limit} MCP sessions in use on this replica (MCP_MAX_SESSIONS_PER_CREDENTIAL); end one with ` +
        'DELETE /mcp, or call tools without a session',
      HttpStatus.TOO_MANY_REQUESTS,
    );
    this.headers = { 'Retry-After': String(Math.ceil(idleMs / 1000)) };
  }
}

/**
 * One MCP session (Streamable HTTP with an Mcp-Session-Id): its server and transport, and the resource subscriptions
 * that send it notifications. It lives on the replica that answered its initialize.
 */
export class McpSession {
  /** Subscribed resource URI → what stops its watch. */
  readonly subscriptions = new Map<string, AbortController>();
  private lastSeen = Date.now();
  /** Requests in flight and open GET streams: a session with one is not idle. */
  private open = 0;
  private closed = false;

  constructor(
    readonly id: string,
    readonly owner: string,
    readonly transport: StreamableHTTPServerTransport,
    private readonly onClose: (session: McpSession) => void,
  ) {}

  server?: McpServer;

  /** Counts an HTTP exchange of this session until its response closes. */
  track(res: Response): void {
    this.open++;
    this.lastSeen = Date.now();
    res.on('close', () => {
      this.open--;
      this.lastSeen = Date.now();
    });
  }

  /** No request in flight and no open GET stream: nobody is listening to it now. */
  get quiet(): boolean {
    return this.open === 0;
  }

  get lastSeenAt(): number {
    return this.lastSeen;
  }

  idleSince(now: number, idleMs: number): boolean {
    return this.open === 0 && now - this.lastSeen >= idleMs;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of this.subscriptions.values()) watch.abort();
    this.subscriptions.clear();
    this.onClose(this);
    await this.transport.close().catch(() => undefined);
    await this.server?.close().catch(() => undefined);
  }
}

/** The MCP sessions of this replica, bounded per credential and closed when idle, on DELETE or at shutdown. */
@Injectable()
export class McpSessions implements BeforeApplicationShutdown {
  private readonly sessions = new Map<string, McpSession>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly config: AppConfig) {}

  get size(): number {
    return this.sessions.size;
  }

  /**
   * A new session of `caller` (its id is sent in the answer to initialize). At the credential's cap its least recently
   * used quiet session is closed for it; 429 when every one is in use.
   */
  open(caller: Principal): McpSession {
    const owner = ownerOf(caller);
    const { MCP_MAX_SESSIONS_PER_CREDENTIAL: limit, MCP_SESSION_IDLE_MS: idleMs } = this.config.env;
    const held = [...this.sessions.values()].filter((session) => session.owner === owner);
    if (held.length >= limit) {
      // A client that initializes per call and never ends its sessions is not locked out: its oldest quiet one goes.
      const quiet = held.filter((session) => session.quiet).sort((a, b) => a.lastSeenAt - b.lastSeenAt)[0];
      if (!quiet) throw new McpSessionsFullError(limit, idleMs);
      void quiet.close();
    }
    const id = randomUUID();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      enableJsonResponse: true,
      onsessionclosed: () => void this.sessions.get(id)?.close(),
    });
    const session = new McpSession(id, owner, transport, (closed) => this.sessions.delete(closed.id));
    transport.onclose = () => void session.close();
    this.sessions.set(id, session);
    this.sweep();
    return session;
  }

  /** The session `id` when `caller` is its owner (another credential's session is as unknown as a closed one). */
  find(id: string, caller: Principal): McpSession | undefined {
    const session = this.sessions.get(id);
    return session?.owner === ownerOf(caller) ? session : undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
  }

  /** Closes idle sessions every quarter of MCP_SESSION_IDLE_MS while any session is open. */
  private sweep(): void {
    if (this.sweeper) return;
    const idleMs = this.config.env.MCP_SESSION_IDLE_MS;
    this.sweeper = setInterval(
      () => {
        const now = Date.now();
        for (const session of this.sessions.values()) if (session.idleSince(now, idleMs)) void session.close();
        if (this.sessions.size === 0) {
          clearInterval(this.sweeper);
          this.sweeper = undefined;
        }
      },
      Math.max(25, Math.floor(idleMs / 4)),
    );
    this.sweeper.unref();
  }
}

/** Sessions belong to the credential that opened them: one key, user token or viewer token. */
function ownerOf(caller: Principal): string {
  return budgetOf(caller) ?? caller.kind;
}
