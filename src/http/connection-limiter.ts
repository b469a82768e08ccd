import { Global, HttpException, HttpStatus, Injectable, Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'socket.io';
import { AppConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.service.js';
import type { HeaderedException } from './headered-exception.filter.js';

/** How long a refused SSE client is told to wait: a place frees when one of its connections closes. */
const RETRY_AFTER_SECONDS = 5;

/** 429: the client's address holds MAX_CONNECTIONS_PER_ADDRESS open connections on this replica. */
export class TooManyConnectionsException extends HttpException implements HeaderedException {
  readonly headers = { 'Retry-After': String(RETRY_AFTER_SECONDS) };

  constructor(message: string) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) and `10.0.0.1` are one address. */
function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Long-lived connections (Socket.IO sockets on `/feeds` and `/llm`, SSE streams) per client address on this replica,
 * counted in memory, whoever the caller is: one address cannot hold every socket the process can serve. A connection
 * is counted from its admission until it closes.
 */
@Injectable()
export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  private get limit(): number {
    return this.config.env.MAX_CONNECTIONS_PER_ADDRESS;
  }

  /**
   * Counts a socket at the top of a gateway's handleConnection: true when admitted (released on its disconnect);
   * false when refused, after an `error` event `{event: 'connect', message}` naming the limit and a disconnect.
   */
  admitSocket(socket: Socket): boolean {
    const release = this.acquire(socket.handshake.address);
    if (release) {
      socket.once('disconnect', release);
      return true;
    }
    this.metrics.connectionsRefused.labels('socketio').inc();
    socket.emit('error', { event: 'connect', message: this.refusal() });
    // This namespace only: another namespace's socket sharing the connection was admitted, and keeps its place.
    socket.disconnect();
    return false;
  }

  /** Counts an SSE response until it closes, or throws a 429 with Retry-After naming the limit. */
  admitStream(req: IncomingMessage, res: ServerResponse): void {
    const release = this.acquire(req.socket.remoteAddress);
    if (!release) {
      this.metrics.connectionsRefused.labels('sse').inc();
      throw new TooManyConnectionsException(this.refusal());
    }
    res.once('close', release);
  }

  /** Counts one connection of `address`: its release (idempotent), or undefined when the address is at the limit. */
  private acquire(address: string | undefined): (() => void) | undefined {
    if (this.limit === 0) return () => undefined;
    const key = addressKey(address);
    const held = this.open.get(key) ?? 0;
    if (held >= this.limit) return undefined;
    this.open.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  private refusal(): string {
    return (
      `too many connections from this address: it holds ${this.limit} on this server ` +
      `(MAX_CONNECTIONS_PER_ADDRESS=${this.limit}); close one and retry`
    );
  }
}

/** The one ConnectionLimiter of the process, for every gateway and SSE route. */
@Global()
@Module({ providers: [ConnectionLimiter], exports: [ConnectionLimiter] })
export class ConnectionLimitsModule {}
