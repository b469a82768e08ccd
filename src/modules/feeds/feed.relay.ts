import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Cluster, Valkey } from 'iovalkey';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Namespace, Socket } from 'socket.io';
import { AppConfig } from '../../config/config.js';
import { groupBySlot, slotOf } from '../../valkey/slots.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { FanoutMetrics } from '../../news/fanout.metrics.js';
import { FeedRepository, type PullRequest } from '../../news/feed.repository.js';
import { FeedsMetrics } from './feeds.metrics.js';
import { FeedService } from './feed.service.js';

const READ_COUNT = 100;
const BLOCK_MS = 5000;
/** How often the relay re-reads the topics of the users it watches (a change of topics elsewhere reaches it). */
const TOPICS_REFRESH_MS = 10000;

export function feedRoom(uid: string): string {
  return `user:${uid}`;
}

/** The part of an Engine.IO connection that shows a client not reading: packets waiting to be written to it. */
interface EngineConnection {
  writeBuffer: unknown[];
}

/** What one read asked for: feed stream key → the user and the cursor read after. */
type Watched = Map<string, { uid: string; cursor: string }>;
type XReadReply = [string, [string, string[]][]][] | null;

/**
 * Live delivery on an api replica: reads `feed_stream:{uid}` of the users connected here and emits `feed:item` to
 * their rooms on this replica only. The feed stream is the single source of live and resumed items, so the fanout
 * worker may run anywhere and a pushed cursor is always resumable.
 *
 * On one server: one XREAD BLOCK over every watched stream, on a dedicated connection (idle cost: none). On a Valkey
 * Cluster one XREAD may only name streams of one slot, and a blocked read holds its connection, so blocking would need
 * a connection per slot group (up to one per watched user). There the relay polls instead: every
 * FEED_RELAY_POLL_MS, one non-blocking XREAD per slot group of watched users (users rarely share a slot, so about one
 * per user), pipelined to each primary on its own connection. Cost per watched user: 1000 / FEED_RELAY_POLL_MS
 * reads a second, each ~4-6 µs of Valkey CPU and ~15-25 µs of Node CPU (bench/relay-poll.ts, 1000 users, local
 * 3-primary cluster on a busy 2-core box): at the default 200 ms ~25 µs of Valkey and ~0.1 ms of Node CPU a second
 * per watched user (1000 sockets on a replica: ~10% of a core for it). Push latency: up to
 * FEED_RELAY_POLL_MS more than on one server.
 */
@Injectable()
export class FeedRelay implements BeforeApplicationShutdown {
  private readonly logger = new Logger(FeedRelay.name);
  /** Users watched here → the last feed stream id pushed to their room. */
  private readonly cursors = new Map<string, string>();
  /** Users watched here → their topics and, once pulled here, the marks their pulled topics were read up to. */
  private readonly following = new Map<string, { topics: string[]; marks?: Map<string, string> }>();
  private topicsReadAt = 0;
  private pulling?: Promise<void>;
  private namespace?: Namespace;
  private reader?: Valkey;
  /** Polls (cluster) instead of blocking (one server). */
  private polling = false;
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
    private readonly fanoutMetrics: FanoutMetrics,
  ) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
    if (this.running) return;
    this.running = true;
    this.polling = this.valkey.clustered;
    this.reader = this.polling ? this.valkey.direct('feeds-relay') : this.valkey.blocking('feeds-relay');
    this.loop = this.run();
    this.pulling = this.pullLoop();
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
    this.following.delete(uid);
    if (this.cursors.delete(uid)) this.changed();
  }

  get watching(): number {
    return this.cursors.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    if (!this.polling && this.readerId !== undefined)
      await this.valkey.command.client('UNBLOCK', this.readerId).catch(() => undefined);
    await Promise.all([this.loop, this.pulling]);
  }

  private changed(): void {
    this.version++;
    if (this.polling) {
      // A poll reads the watched set afresh each time: nothing to interrupt; a first watcher ends the idle wait.
      if (this.cursors.size === 1) this.wake?.();
      return;
    }
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
          await this.pause(1000);
          continue;
        }
        if (!this.polling) await this.readOnce();
        // A stream read up to READ_COUNT may hold more: read again at once.
        else if (!(await this.pollOnce())) await this.pause(this.config.env.FEED_RELAY_POLL_MS);
      } catch (error) {
        this.readingVersion = undefined;
        this.readerId = undefined;
        if (!this.running) break;
        this.logger.warn(`feed relay read failed, retrying: ${(error as Error).message}`);
        await sleep(250);
      }
    }
  }

  /**
   * Live delivery of the topics fan-out leaves to their readers (FeedRepository.pull): every FEED_RELAY_POLL_MS, the
   * watched users who follow one are brought up to it; what that adds to their feed streams is emitted by the reads
   * above like any delivery. Users whose marks are the same share one read of a topic's `topic_appended` set, so an
   * idle topic costs one range read a poll however many of its followers are connected here.
   */
  private async pullLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.pullOnce();
      } catch (error) {
        if (!this.running) break;
        this.logger.warn(`feed relay pull failed, retrying: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.config.env.FEED_RELAY_POLL_MS).unref());
    }
  }

  private async pullOnce(): Promise<void> {
    if (this.cursors.size === 0) return;
    const pulled = await this.feedRepository.pulledTopics();
    if (pulled.size === 0) return;
    const now = Date.now();
    const stale = now - this.topicsReadAt >= TOPICS_REFRESH_MS;
    if (stale) this.topicsReadAt = now;
    const unknown = [...this.cursors.keys()].filter((uid) => stale || !this.following.has(uid));
    const topics = await Promise.all(unknown.map((uid) => this.feeds.topicsOf(uid)));
    unknown.forEach((uid, i) => {
      if (!this.cursors.has(uid)) return;
      const known = this.following.get(uid);
      this.following.set(uid, { topics: topics[i], marks: known?.marks });
    });
    const requests: PullRequest[] = [];
    for (const [uid, { topics: followed, marks }] of this.following) {
      const wanted = followed.filter((topic) => pulled.has(topic));
      if (wanted.length === 0) continue;
      // Marks of topics not pulled here before are read from Valkey (the user's join pulled them).
      requests.push({ uid, topics: wanted, marks: wanted.every((t) => marks?.has(t)) ? marks : undefined });
    }
    if (requests.length === 0) return;
    const results = await this.feedRepository.pull(requests);
    requests.forEach(({ uid }, i) => {
      const known = this.following.get(uid);
      if (known) known.marks = new Map([...(known.marks ?? []), ...results[i].marks]);
    });
    this.fanoutMetrics.deliveries.inc(results.reduce((sum, { added }) => sum + added, 0));
  }

  /** Waits `ms`, or until shutdown (or, unclustered, a change of the watched set). */
  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      setTimeout(resolve, ms).unref();
    });
    this.wake = undefined;
  }

  /** One blocking XREAD over every watched stream (one server). */
  private async readOnce(): Promise<void> {
    const reader = this.reader!;
    this.readerId ??= Number(await reader.client('ID'));
    const read = this.watched();
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
    await this.deliver(read, reply);
  }

  /**
   * One non-blocking XREAD per slot group of the watched streams, sent together (a cluster). Answers whether a stream
   * gave READ_COUNT entries (more may be waiting). What was read is delivered; a group whose read failed is read again
   * on the next poll, after the loop's back-off.
   */
  private async pollOnce(): Promise<boolean> {
    const read = this.watched();
    const groups = groupBySlot([...read.keys()], (key) => key, true).map((streams) => ({
      slot: slotOf(streams[0]),
      args: ['COUNT', READ_COUNT, 'STREAMS', ...streams, ...streams.map((key) => read.get(key)!.cursor)],
    }));
    const replies = await xreadByNode(this.reader as unknown as Cluster, groups);
    let full = false;
    const failed: Error[] = [];
    for (const reply of replies) {
      if (reply.status === 'rejected') {
        failed.push(reply.reason as Error);
        continue;
      }
      full ||= (reply.value ?? []).some(([, entries]) => entries.length >= READ_COUNT);
      await this.deliver(read, reply.value);
    }
    // One line for the poll (a node down fails the reads of every group it owns), and the loop's back-off.
    if (failed.length > 0) throw new Error(`${failed.length} of ${groups.length} reads failed: ${failed[0].message}`);
    return full;
  }

  private watched(): Watched {
    const keys = this.valkey.keys;
    return new Map([...this.cursors].map(([uid, cursor]) => [keys.feedStream(uid), { uid, cursor }]));
  }

  /** Emits what a read answered to the rooms of the users still watched from the cursors read after. */
  private async deliver(read: Watched, reply: XReadReply): Promise<void> {
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

/** A reply that means the slot map was out of date (a slot moving or moved, a failover under way). */
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * Sends XREADs (each of one slot) in one pipeline per primary that owns their slots, as the cluster's slot map has
 * it: an XREAD written alone costs Valkey four to eight times the CPU of one in a pipeline (bench/relay-poll.ts,
 * 1000 watched streams: ~15-40 vs ~4-6 µs a read). One the map placed wrong (or no node for) is sent
 * again through the cluster client, which follows the redirect and refreshes the map. Replies in order.
 */
export async function xreadByNode(
  cluster: Cluster,
  reads: { slot: number; args: (string | number)[] }[],
): Promise<PromiseSettledResult<XReadReply>[]> {
  const viaCluster = (args: (string | number)[]): Promise<XReadReply> =>
    cluster.call('XREAD', ...args) as Promise<XReadReply>;
  const nodes = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  const byNode = new Map<Valkey, number[]>();
  const results: Promise<XReadReply>[] = [];
  reads.forEach(({ slot, args }, i) => {
    const node = nodes.get(cluster.slots[slot]?.[0] ?? '');
    if (!node) results[i] = viaCluster(args);
    else byNode.set(node, [...(byNode.get(node) ?? []), i]);
  });
  for (const [node, indexes] of byNode) {
    const pipeline = node.pipeline();
    for (const i of indexes) pipeline.call('XREAD', ...reads[i].args);
    const sent = pipeline.exec();
    indexes.forEach((i, k) => {
      results[i] = sent.then((replies) => {
        const [error, value] = replies?.[k] ?? [new Error('no reply'), null];
        if (!error) return value as XReadReply;
        if (REDIRECTED.test(error.message)) return viaCluster(reads[i].args);
        throw error;
      });
    });
  }
  return Promise.allSettled(results);
}
