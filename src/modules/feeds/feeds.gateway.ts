import { Logger } from '@nestjs/common';
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
import type { AccessRule, Principal } from '../../auth/access-rule.js';
import { AccessService } from '../../auth/access.service.js';
import { principalOf, socketAccess } from '../../auth/socket-access.js';
import { validatePayload } from '../../http/socket-payload.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { FeedSyncDto, USER_ID_PATTERN } from './feeds.dto.js';
import { ConnectionLimiter } from '../../http/connection-limiter.js';
import { FeedRelay } from './feed.relay.js';
import { FeedService, type FeedItem } from './feed.service.js';

const NAMESPACE = '/feeds';
/** A socket opens one user's feed, as `GET /users/{uid}/feed` does. */
const FEED_SOCKET_RULE: AccessRule = { kind: 'user', param: 'uid' };

/** The socket's user: a user token's own subject, never the client's claim; else (an API key, the sandbox) auth.userId. */
function userOf(principal: Principal, auth: Record<string, unknown>): string {
  return principal.kind === 'user' ? principal.userId : (claimedUser(auth) ?? '');
}

function claimedUser(auth: Record<string, unknown>): string | undefined {
  const given = auth.userId;
  if (typeof given === 'number' && Number.isSafeInteger(given)) return String(given);
  return typeof given === 'string' ? given : undefined;
}

interface SocketData {
  userId?: string;
  /** The feed stream cursor after which every delivery is pushed to this socket; `feed:sync` answers up to it. */
  liveFrom?: string;
}

interface SyncReply {
  items?: FeedItem[];
  /** The reply stopped at its byte budget: sync again after the last item's cursor for the rest. */
  more?: true;
  error?: string;
}

/**
 * `/feeds`: a socket authenticates with `auth: {userId}`, joins its user's room and receives `feed:item` for each
 * new delivery; `feed:sync {after}` answers everything after a cursor. Bad input gets an `error` event.
 */
@WebSocketGateway({ namespace: NAMESPACE })
export class FeedsGateway
  implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>
{
  private readonly logger = new Logger(FeedsGateway.name);
  /** Each socket's user id once admitted (undefined if refused); messages wait for it. */
  private readonly admitted = new WeakMap<Socket, Promise<string | undefined>>();

  constructor(
    private readonly feeds: FeedService,
    private readonly relay: FeedRelay,
    private readonly access: AccessService,
    private readonly metrics: Metrics,
    private readonly connections: ConnectionLimiter,
  ) {}

  afterInit(namespace: Namespace): void {
    // The handshake admits a user token (its user is the socket's), or an API key with `users` for auth.userId.
    // A user token's claim of another user (auth.userId) is refused, naming both.
    namespace.use(
      socketAccess(this.access, FEED_SOCKET_RULE, (principal, auth) => ({
        uid: claimedUser(auth) ?? userOf(principal, auth),
      })),
    );
    this.relay.attach(namespace);
  }

  async handleConnection(socket: Socket): Promise<void> {
    // Refused: disconnected with an error event; a message it sent meanwhile finds no user.
    if (!this.connections.admitSocket(socket)) return;
    const admitted = this.admit(socket);
    this.admitted.set(socket, admitted);
    await admitted;
  }

  handleDisconnect(socket: Socket): void {
    const uid = (socket.data as SocketData).userId;
    if (uid === undefined) return;
    this.metrics.socketConnections.labels(NAMESPACE).dec();
    this.relay.leave(socket, uid);
  }

  @SubscribeMessage('feed:sync')
  async sync(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<SyncReply> {
    const uid = await this.admitted.get(socket);
    if (uid === undefined) return this.refuse(socket, 'feed:sync', 'not authenticated');
    const request = await validatePayload(FeedSyncDto, payload);
    if (typeof request === 'string') return this.refuse(socket, 'feed:sync', request);
    const { after } = request;
    try {
      // Up to where live pushes to this socket began: what came later was (or will be) pushed, never twice.
      const liveFrom = (socket.data as SocketData).liveFrom!;
      const { items, more } = await this.feeds.since(uid, after, liveFrom);
      return more ? { items, more } : { items };
    } catch (error) {
      this.logger.warn(`feed:sync for ${uid} failed: ${(error as Error).message}`);
      return this.refuse(socket, 'feed:sync', 'sync failed; retry');
    }
  }

  private async admit(socket: Socket): Promise<string | undefined> {
    const uid = userOf(principalOf(socket), socket.handshake.auth ?? {});
    if (!USER_ID_PATTERN.test(uid)) {
      this.refuse(socket, 'connect', 'auth.userId must be 1-64 characters of letters, digits, _ or -');
      socket.disconnect();
      return undefined;
    }
    try {
      // Marking the user active rebuilds a returning user's feed before any item is pushed.
      await this.feeds.touch(uid);
      (socket.data as SocketData).liveFrom = await this.relay.join(socket, uid);
    } catch (error) {
      this.logger.warn(`feed socket for ${uid} refused: ${(error as Error).message}`);
      this.refuse(socket, 'connect', 'feed unavailable; reconnect');
      socket.disconnect();
      return undefined;
    }
    // Left while being admitted: its disconnect found no user to release, so the room and the watch are undone here.
    if (!socket.connected) {
      this.relay.leave(socket, uid);
      return undefined;
    }
    (socket.data as SocketData).userId = uid;
    this.metrics.socketConnections.labels(NAMESPACE).inc();
    return uid;
  }

  private refuse(socket: Socket, event: string, message: string): SyncReply {
    socket.emit('error', { event, message });
    return { error: message };
  }
}
