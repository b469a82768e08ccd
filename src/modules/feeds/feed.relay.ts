import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig } from '../../config/config.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { FeedRepository } from '../../news/feed.repository.js';
import { FeedsMetrics } from './feeds.metrics.js';
import { FeedService } from './feed.service.js';

const READ_COUNT = 100;
const BLOCK_MS = 5000;

export function feedRoom(uid: string): string {
  return `user:${uid}`;
}

/** The part of an Engine.IO connection that shows a client not reading: packets waiting to be written to it. */
interface EngineConnection {
  writeBuffer: unknown[];
}

/**
 * Live delivery on an api replica: reads `feed_stream:{uid}` of the users connected here (one XREAD BLOCK on a
 * dedicated connection) and emits `feed:item` to their rooms on this replica only. The feed stream is the single
 * source of live and resumed items, so the fanout worker may run anywhere and a pushed cursor is always resumable.
 */
@Injectable()
export class FeedRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedRelay.name);
  /** Users watched here → the last feed stream id pushed to their room. */
  private readonly cursors = new Map<string, string>();
  private namespace?: Namespace;
  private reader?: Valkey;
  private readerId?: number;
  private running = false;
  private loop?: Promise<void>;
  /** Bumped on every change of the watched set; a blocked read of an older set is unblocked. */
  private version = 0;
  private readingVersion?: number;
  private interrupting?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly feedRepository: FeedRepository,
    private readonly feeds: FeedService,
    private readonly metrics: FeedsMetrics,
    private readonly config: AppConfig,
  ) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
    if (this.running) return;
    this.running = true;
    this.reader = this.valkey.blocking('feeds-relay');
    this.loop = this.run();
  }

  /**
   * Joins a socket to its user's room, watching the user's feed stream from its current end if nobody here was, and
   * answers the cursor after which this socket gets every delivery pushed (what is up to it is for `feed:sync`).
   */
  async join(socket: Socket, uid: string): Promise<string> {
    if (!this.cursors.has(uid)) {
      const cursor = await this.feedRepository.lastCursor(uid);
      if (!this.cursors.has(uid)) {
        this.cursors.set(uid, cursor);
        this.changed();
      }
    }
    // Joined and read in one synchronous step: the relay moves a cursor and emits up to it in one step too.
    void socket.join(feedRoom(uid));
    return this.cursors.get(uid)!;
  }

  /**
   * Takes a socket out of its user's room (a no-op once socket.io has done it on disconnect) and stops watching the
   * user when no other socket of theirs is here.
   */
  leave(socket: Socket, uid: string): void {
    void socket.leave(feedRoom(uid));
    if (!this.namespace?.adapter.rooms.get(feedRoom(uid))?.size) this.unwatch(uid);
  }

  unwatch(uid: string): void {
    if (this.cursors.delete(uid)) this.changed();
  }

  get watching(): number {
    return this.cursors.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    if (this.readerId !== undefined) await this.valkey.command.client('UNBLOCK', this.readerId).catch(() => undefined);
    await this.loop;
  }

  private changed(): void {
    this.version++;
    this.wake?.();
    this.interrupting ??= this.interrupt().finally(() => (this.interrupting = undefined));
  }

  /** Unblocks the reader until it reads the current watched set (an UNBLOCK sent just before its XREAD is lost). */
  private async interrupt(): Promise<void> {
    while (this.running && this.readingVersion !== undefined && this.readingVersion < this.version) {
      if (this.readerId !== undefined)
        await this.valkey.command.client('UNBLOCK', this.readerId).catch(() => undefined);
      await sleep(20);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (this.cursors.size === 0) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, 1000).unref();
          });
          this.wake = undefined;
          continue;
        }
        await this.readOnce();
      } catch (error) {
        this.readingVersion = undefined;
        this.readerId = undefined;
        if (!this.running) break;
        this.logger.warn(`feed relay read failed, retrying: ${(error as Error).message}`);
        await sleep(250);
      }
    }
  }

  private async readOnce(): Promise<void> {
    const reader = this.reader!;
    this.readerId ??= Number(await reader.client('ID'));
    const keys = this.valkey.keys;
    const read = new Map([...this.cursors].map(([uid, cursor]) => [keys.feedStream(uid), { uid, cursor }]));
    // Everyone left while the reader's id was asked for: XREAD needs at least one stream.
    if (read.size === 0) return;
    this.readingVersion = this.version;
    const reply = await reader.xread(
      'COUNT',
      READ_COUNT,
      'BLOCK',
      BLOCK_MS,
      'STREAMS',
      ...read.keys(),
      ...[...read.values()].map((r) => r.cursor),
    );
    this.readingVersion = undefined;
    if (!reply) return;
    for (const [key, entries] of reply) {
      const watched = read.get(key);
      // Unwatched, or re-watched from another cursor while we read: the next read covers it.
      if (!watched || this.cursors.get(watched.uid) !== watched.cursor || entries.length === 0) continue;
      const items = await this.feeds.hydrate(
        watched.uid,
        entries.map(([cursor, fields]) => ({ cursor, short: fields[fields.indexOf('id') + 1] ?? '' })),
      );
      if (this.cursors.get(watched.uid) !== watched.cursor) continue;
      // The cursor moves with the emit, in one synchronous step: a socket that joins sees either both or neither.
      this.cursors.set(watched.uid, entries[entries.length - 1][0]);
      // Local only: every api replica relays for the sockets it holds, so the adapter must not fan this out again.
      for (const item of items) this.namespace?.local.to(feedRoom(watched.uid)).emit('feed:item', item);
      this.metrics.liveItems.inc(items.length);
      // After the cursor moved: a drop that leaves the room empty unwatches the user for good.
      this.dropSlow(feedRoom(watched.uid));
    }
  }

  /**
   * Disconnects the sockets of a room that stopped reading (FEED_SOCKET_BUFFER packets wait to be written to them),
   * as `/llm` drops a slow viewer, rather than buffering without bound. Nothing is lost: the client reconnects and
   * `feed:sync`s from its last cursor.
   */
  private dropSlow(room: string): void {
    const limit = this.config.env.FEED_SOCKET_BUFFER;
    for (const id of [...(this.namespace?.adapter.rooms.get(room) ?? [])]) {
      const socket = this.namespace?.sockets.get(id);
      if (!socket || (socket.conn as unknown as EngineConnection).writeBuffer.length < limit) continue;
      this.metrics.dropped.inc();
      socket.emit('error', {
        event: 'feed:item',
        message:
          `too slow: ${limit} packets were waiting to be written to this socket (FEED_SOCKET_BUFFER=${limit}); ` +
          'reconnect and feed:sync from your last cursor',
      });
      socket.disconnect(true);
    }
  }
}
