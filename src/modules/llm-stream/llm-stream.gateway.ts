import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { AccessRule } from '../../auth/access-rule.js';
import { AccessService } from '../../auth/access.service.js';
import { principalOf, socketAccess } from '../../auth/socket-access.js';
import { validatePayload } from '../../http/socket-payload.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { AppConfig } from '../../config/config.js';
import { ConnectionLimiter } from '../../http/connection-limiter.js';
import { endPayload, type TerminalMessage } from './llm-message.js';
import { JoinStreamDto } from './llm-stream.dto.js';
import { LlmStreamService } from './llm-stream.service.js';
import type { SharedRoom } from './stream-relay.js';
import type { StreamViewer, ViewerSink } from './stream-viewer.js';

/** A join reads one stream, as `GET /llm/streams/{id}/events` does. */
const STREAM_RULE: AccessRule = { kind: 'stream', param: 'id' };

interface EngineConnection {
  writeBuffer: unknown[];
  once(event: 'drain' | 'close', listener: () => void): void;
  off(event: 'drain' | 'close', listener: () => void): void;
}

/**
 * The local room `llm:{id}` of a stream's caught-up viewers on `/llm`. Broadcasts are `.local`: every replica relays
 * the stream from Pub/Sub itself, so nothing goes through the adapter's Valkey stream. Socket.IO encodes a broadcast
 * once (and frames it once for WebSocket) for all the sockets in the room.
 */
class SocketStreamRoom implements SharedRoom {
  private readonly name: string;

  constructor(
    private readonly socket: Socket,
    private readonly id: string,
  ) {
    this.name = `llm:${id}`;
  }

  join(): void {
    // The in-memory rooms of the (cluster) adapter are joined synchronously.
    void this.socket.join(this.name);
  }

  leave(): void {
    void this.socket.leave(this.name);
  }

  token(index: number, content: string): void {
    this.socket.nsp.local.to(this.name).emit('token', { id: this.id, index, content });
  }

  end(message: TerminalMessage): void {
    this.socket.nsp.local.to(this.name).emit('end', { id: this.id, ...endPayload(message) });
  }
}

/** A Socket.IO viewer: `token {id, index, content}` then `end {id, total_tokens, reason?}`, on one socket. */
class SocketViewerSink implements ViewerSink {
  readonly transport = 'socketio' as const;
  readonly room: SharedRoom;

  constructor(
    private readonly socket: Socket,
    private readonly id: string,
  ) {
    this.room = new SocketStreamRoom(socket, id);
  }

  private get connection(): EngineConnection {
    return this.socket.conn as unknown as EngineConnection;
  }

  backlog(): number {
    return this.connection.writeBuffer.length;
  }

  drained(): Promise<void> {
    if (this.backlog() === 0 || this.socket.disconnected) return Promise.resolve();
    return new Promise((done) => {
      const settle = (): void => {
        this.connection.off('drain', settle);
        this.connection.off('close', settle);
        done();
      };
      this.connection.once('drain', settle);
      this.connection.once('close', settle);
    });
  }

  token(index: number, content: string): void {
    this.socket.emit('token', { id: this.id, index, content });
  }

  end(message: TerminalMessage): void {
    this.socket.emit('end', { id: this.id, ...endPayload(message) });
  }

  drop(reason: string): void {
    this.socket.emit('end', { id: this.id, reason });
    // A viewer too slow to keep up is disconnected rather than buffered without bound.
    if (reason === 'slow_viewer') this.socket.disconnect(true);
  }
}

/**
 * Namespace `/llm`: a client emits `join {id, from?}` and receives the stream's tokens from `from` (default 0),
 * then live ones, then `end`. One socket may watch several streams; each is one viewer.
 */
@WebSocketGateway({ namespace: '/llm' })
export class LlmStreamGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(LlmStreamGateway.name);
  private readonly viewers = new Map<string, Map<string, StreamViewer>>();
  /** Per socket, the streams whose join is in flight: they count towards LLM_MAX_JOINS_PER_SOCKET already. */
  private readonly joining = new Map<string, Set<string>>();

  constructor(
    private readonly streams: LlmStreamService,
    private readonly access: AccessService,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
    private readonly connections: ConnectionLimiter,
  ) {}

  afterInit(namespace: Namespace): void {
    // The handshake admits what can read some stream: a viewer token, or an API key with `llm`; each join checks which.
    namespace.use(
      socketAccess(this.access, STREAM_RULE, (principal) => ({
        id: principal.kind === 'viewer' ? principal.streamId : '',
      })),
    );
  }

  @SubscribeMessage('join')
  async join(
    @ConnectedSocket() socket: Socket,
    @MessageBody() body: unknown,
  ): Promise<{ id: string; from: number } | { error: string }> {
    const fail = (message: string): { error: string } => {
      socket.emit('error', { id: (body as { id?: unknown } | null)?.id, message });
      return { error: message };
    };
    const request = await validatePayload(JoinStreamDto, body);
    if (typeof request === 'string') return fail(request);
    const { id } = request;
    const from = request.from ?? 0;
    try {
      await this.access.allow(STREAM_RULE, principalOf(socket), { id });
    } catch (error) {
      return fail((error as Error).message);
    }
    const mine = this.viewers.get(socket.id) ?? new Map<string, StreamViewer>();
    const joining = this.joining.get(socket.id) ?? new Set<string>();
    // A stream this socket watches (or is joining) again is a resume, not one more stream.
    const watched = new Set([...mine.keys(), ...joining]);
    const limit = this.config.env.LLM_MAX_JOINS_PER_SOCKET;
    if (!watched.has(id) && watched.size >= limit) {
      return fail(
        `this socket watches ${watched.size} streams, the most one socket may (LLM_MAX_JOINS_PER_SOCKET=${limit}); ` +
          'join once one has ended, or from another socket',
      );
    }
    this.viewers.set(socket.id, mine);
    this.joining.set(socket.id, joining.add(id));
    mine.get(id)?.close();
    try {
      const viewer = await this.streams.watch(id, from, new SocketViewerSink(socket, id), (closed) => {
        if (mine.get(id) === closed) mine.delete(id);
      });
      if (!viewer) return fail(`stream ${id} not found`);
      if (socket.disconnected) viewer.close();
      else if (!viewer.isClosed) mine.set(id, viewer);
      return { id, from };
    } catch (error) {
      this.logger.warn(`join ${id} failed: ${(error as Error).message}`);
      return fail(`could not join stream ${id}`);
    } finally {
      joining.delete(id);
      if (joining.size === 0 && this.joining.get(socket.id) === joining) this.joining.delete(socket.id);
    }
  }

  handleConnection(socket: Socket): void {
    this.metrics.socketConnections.labels('/llm').inc();
    this.connections.admitSocket(socket);
  }

  handleDisconnect(socket: Socket): void {
    this.metrics.socketConnections.labels('/llm').dec();
    const mine = this.viewers.get(socket.id);
    this.viewers.delete(socket.id);
    for (const viewer of mine?.values() ?? []) viewer.close();
  }

  onModuleDestroy(): void {
    for (const mine of this.viewers.values()) for (const viewer of mine.values()) viewer.close();
    this.viewers.clear();
  }
}
