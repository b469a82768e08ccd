import { Injectable } from '@nestjs/common';
import type { Histogram } from 'prom-client';
import type { LlmMessage, TerminalMessage } from './llm-message.js';
import { AppConfig } from '../../config/config.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { LlmChannels } from './llm-channels.js';
import { LlmStreamMetrics } from './llm-stream.metrics.js';
import type { StreamViewer, Transport } from './stream-viewer.js';

/**
 * A transport's shared room for one stream on this replica (a local Socket.IO room): every sink that joined it gets
 * each write, encoded once for all of them. Joining and leaving take effect at once (synchronously).
 */
export interface SharedRoom {
  join(): void;
  leave(): void;
  token(index: number, content: string): void;
  end(message: TerminalMessage): void;
}

/**
 * The caught-up viewers of one stream that share a transport room: each live token is checked against their
 * buffers, then written once for all. Invariant: every member has been sent exactly the tokens before `next`
 * (a member's own position is brought up to date when it leaves).
 */
class LiveRoom {
  readonly members = new Set<StreamViewer>();
  next = 0;

  constructor(
    private readonly room: SharedRoom,
    private readonly bufferLimit: number,
    private readonly latency: ReturnType<Histogram['labels']>,
  ) {}

  /** Admits a live viewer when it stands exactly where the room does (or the room is empty). */
  admit(viewer: StreamViewer): boolean {
    if (this.members.size === 0) this.next = viewer.nextIndex;
    else if (viewer.nextIndex !== this.next) return false;
    viewer.sink.room?.join();
    this.members.add(viewer);
    return true;
  }

  /** Takes a viewer out; it stands at `next`, having been sent every token before it. */
  remove(viewer: StreamViewer): number {
    this.members.delete(viewer);
    viewer.sink.room?.leave();
    return this.next;
  }

  /** Relays one live message to the members; returns the members evicted by a gap (they must catch up alone). */
  relay(message: LlmMessage): StreamViewer[] {
    if (this.members.size === 0) return [];
    if (message.type === 'token') {
      if (message.index < this.next) return [];
      if (message.index > this.next) {
        // Pub/Sub lost messages (a reconnect): every member goes back to the log on its own.
        const evicted = [...this.members];
        for (const viewer of evicted) viewer.leaveRoom(this.remove(viewer));
        return evicted;
      }
      for (const viewer of this.members) if (viewer.sink.backlog() >= this.bufferLimit) viewer.dropSlow();
      if (this.members.size === 0) return [];
      this.room.token(message.index, message.content);
      this.next = message.index + 1;
      // One observation per broadcast: one write reached every member at the same moment.
      this.latency.observe(Math.max(0, Date.now() / 1000 - message.timestamp));
      return [];
    }
    if (message.type === 'end' || message.type === 'error') {
      if (message.total_tokens > this.next) {
        // The end counts tokens the room was not sent (a lost publish): every member reads them from the log.
        const evicted = [...this.members];
        for (const viewer of evicted) viewer.leaveRoom(this.remove(viewer));
        return evicted;
      }
      this.room.end(message);
      for (const viewer of [...this.members]) viewer.ended();
    }
    return [];
  }
}

/**
 * Live messages of one stream on this replica, from its one channel listener: written once to each transport room of
 * caught-up viewers, and handed one by one to the viewers still replaying the log (or on a transport without rooms).
 */
export class StreamRelay {
  private readonly alone = new Set<StreamViewer>();
  private readonly rooms = new Map<Transport, LiveRoom>();
  private readonly quiet?: NodeJS.Timeout;
  listening?: Promise<() => void>;

  /**
   * `recheckMs` > 0 (a cluster, where a message is logged by one command and SPUBLISHed by the next): after that long
   * without a message every viewer re-reads the log from where it stands, which finds a message whose publish was
   * lost, its stream's end included, in one read per stream and replica.
   */
  constructor(
    private readonly bufferLimit: number,
    private readonly publishLatency: Histogram,
    recheckMs = 0,
  ) {
    if (recheckMs > 0) {
      this.quiet = setTimeout(() => this.recheck(), recheckMs);
      this.quiet.unref();
    }
  }

  /** The relay has no viewer left: stops its timer. */
  stop(): void {
    clearTimeout(this.quiet);
  }

  private recheck(): void {
    const viewers = [...this.alone];
    for (const room of this.rooms.values()) viewers.push(...room.members);
    for (const viewer of viewers) viewer.recheck();
    this.quiet?.refresh();
  }

  get size(): number {
    let size = this.alone.size;
    for (const room of this.rooms.values()) size += room.members.size;
    return size;
  }

  add(viewer: StreamViewer): void {
    this.alone.add(viewer);
  }

  remove(viewer: StreamViewer): void {
    if (this.alone.delete(viewer)) return;
    const room = this.rooms.get(viewer.sink.transport);
    if (room?.members.has(viewer)) room.remove(viewer);
  }

  /** A live viewer moves into its transport's room if it stands where the room does; else it stays alone for now. */
  settle(viewer: StreamViewer): void {
    const shared = viewer.sink.room;
    if (!shared || !this.alone.has(viewer)) return;
    let room = this.rooms.get(viewer.sink.transport);
    if (!room) {
      room = new LiveRoom(shared, this.bufferLimit, this.publishLatency.labels(viewer.sink.transport));
      this.rooms.set(viewer.sink.transport, room);
    }
    if (room.admit(viewer)) this.alone.delete(viewer);
  }

  /** A viewer in a room goes back to being served alone (to replay the log); returns where it stands, if it was in one. */
  unsettle(viewer: StreamViewer): number | undefined {
    const room = this.rooms.get(viewer.sink.transport);
    if (!room?.members.has(viewer)) return undefined;
    this.alone.add(viewer);
    return room.remove(viewer);
  }

  dispatch(message: LlmMessage): void {
    this.quiet?.refresh();
    for (const room of this.rooms.values()) for (const viewer of room.relay(message)) this.alone.add(viewer);
    // Viewers that settle into a room during this loop are deleted from the set, which iteration tolerates.
    for (const viewer of this.alone) viewer.onLive(message);
  }
}

/** This replica's relays, one per stream with local viewers; each holds one subscription to the stream's channel. */
@Injectable()
export class StreamRelays {
  private readonly relays = new Map<string, StreamRelay>();

  constructor(
    private readonly channels: LlmChannels,
    private readonly metrics: LlmStreamMetrics,
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  /** Adds a viewer to its stream's relay; resolves once live messages flow to it (held until it is caught up). */
  async attach(viewer: StreamViewer, channel: string, bufferLimit: number): Promise<StreamRelay> {
    let relay = this.relays.get(viewer.id);
    if (!relay) {
      // A cluster only: on one server the script that logs a message also publishes it.
      const recheckMs = this.valkey.clustered ? this.config.env.LLM_VIEWER_RECHECK_MS : 0;
      const created = new StreamRelay(bufferLimit, this.metrics.publishLatency, recheckMs);
      created.listening = this.channels.listen(channel, (message) => created.dispatch(message as LlmMessage));
      this.relays.set(viewer.id, created);
      relay = created;
    }
    // Added before the subscription is confirmed, so every message after it reaches the viewer.
    relay.add(viewer);
    try {
      await relay.listening;
    } catch (error) {
      this.detach(relay, viewer);
      throw error;
    }
    return relay;
  }

  detach(relay: StreamRelay, viewer: StreamViewer): void {
    relay.remove(viewer);
    if (relay.size > 0 || this.relays.get(viewer.id) !== relay) return;
    this.relays.delete(viewer.id);
    relay.stop();
    // Settled already (attach awaited it); a failed subscription has nothing to undo.
    void relay.listening?.then(
      (unlisten) => unlisten(),
      () => undefined,
    );
  }
}
