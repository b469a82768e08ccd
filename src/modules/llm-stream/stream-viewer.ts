import type { Histogram } from 'prom-client';
import { isTerminal, type LlmMessage, type TerminalMessage } from './llm-message.js';
import type { LlmChannels } from './llm-channels.js';
import type { LlmStreamMetrics } from './llm-stream.metrics.js';
import type { SharedRoom, StreamRelay, StreamRelays } from './stream-relay.js';
import type { TokenLogRepository } from './token-log.repository.js';

export type Transport = 'socketio' | 'sse' | 'mcp';

/** One viewer's connection, whatever the transport. */
export interface ViewerSink {
  readonly transport: Transport;
  /** Messages written to the connection and not yet flushed to the network. */
  backlog(): number;
  /** Settles when the backlog has been flushed (or the connection closed). */
  drained(): Promise<void>;
  token(index: number, content: string): void;
  end(message: TerminalMessage): void;
  /** The server gives up on this viewer (e.g. too slow); the sink says why and closes. */
  drop(reason: string): void;
  /** The stream's shared room on this transport, when it can write one message to many viewers at once. */
  readonly room?: SharedRoom;
}

export interface ViewerDeps {
  log: TokenLogRepository;
  relays: StreamRelays;
  channels: LlmChannels;
  metrics: LlmStreamMetrics;
  channel: string;
  bufferLimit: number;
}

const DRAIN_TIMEOUT_MS = 10000;

/**
 * Sends one stream to one viewer from token `from`: subscribes first, then replays the log, then relays live
 * tokens, dropping live ones already sent, so there is no gap and no duplicate at the seam. A live token beyond
 * the next expected index (missed while Pub/Sub reconnected) sends the viewer back to the log. Once caught up, a
 * viewer whose transport has rooms joins its stream's room and gets each live token from one shared write.
 */
export class StreamViewer {
  private next: number;
  private live = false;
  private closed = false;
  private catchingUp?: Promise<void>;
  private readonly held: LlmMessage[] = [];
  private relay?: StreamRelay;
  private unresync?: () => void;
  private readonly latency: ReturnType<Histogram['labels']>;

  constructor(
    readonly id: string,
    from: number,
    readonly sink: ViewerSink,
    private readonly deps: ViewerDeps,
    private readonly onClose: (viewer: StreamViewer) => void = () => undefined,
  ) {
    this.next = from;
    this.latency = deps.metrics.publishLatency.labels(sink.transport);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The index of the next token this viewer is to be sent (while it is in a room, the room keeps it). */
  get nextIndex(): number {
    return this.next;
  }

  async open(): Promise<void> {
    this.deps.metrics.viewers.labels(this.sink.transport).inc();
    try {
      this.relay = await this.deps.relays.attach(this, this.deps.channel, this.deps.bufferLimit);
    } catch (error) {
      this.close();
      throw error;
    }
    this.unresync = this.deps.channels.onResync(() => this.catchUp());
    if (this.closed) return this.close();
    this.catchUp();
    await this.catchingUp;
  }

  /** Stops relaying (the viewer left, or the stream ended). Idempotent. */
  close(): void {
    if (this.relay) {
      this.deps.relays.detach(this.relay, this);
      this.unresync?.();
      this.relay = undefined;
    }
    if (!this.closed) {
      this.closed = true;
      this.deps.metrics.viewers.labels(this.sink.transport).dec();
      this.onClose(this);
    }
  }

  /** A live message for this viewer alone (it is replaying the log, or not in a room). */
  onLive(message: LlmMessage): void {
    if (this.closed) return;
    if (!this.live) {
      this.held.push(message);
      if (this.held.length > this.deps.bufferLimit) this.dropSlow();
      return;
    }
    if (this.deliver(message, true)) this.relay?.settle(this);
  }

  /** Reads the log again from the next expected index (its stream was quiet: a publish may have been lost). */
  recheck(): void {
    this.catchUp();
  }

  /** The room evicted this viewer at `next` (a gap): it is served alone again and finds the gap itself. */
  leaveRoom(next: number): void {
    this.next = next;
  }

  /** The room wrote the stream's end to this viewer. */
  ended(): void {
    this.close();
  }

  /** Sends one message if it is the next; returns false when it revealed a gap (the viewer is back to the log). */
  private deliver(message: LlmMessage, live: boolean): boolean {
    if (message.type === 'token') {
      if (message.index < this.next) return true;
      if (message.index > this.next) {
        this.held.push(message);
        this.catchUp();
        return false;
      }
      if (live && this.sink.backlog() >= this.deps.bufferLimit) {
        this.dropSlow();
        return false;
      }
      this.sink.token(message.index, message.content);
      this.next = message.index + 1;
      if (live) this.latency.observe(Math.max(0, Date.now() / 1000 - message.timestamp));
      return true;
    }
    if (isTerminal(message)) {
      if (live && message.total_tokens > this.next) {
        // Tokens before the end were not heard (a lost publish): the log has them, and the end after them.
        this.held.push(message);
        this.catchUp();
        return false;
      }
      this.sink.end(message);
      this.close();
      return false;
    }
    return true;
  }

  /** Replays the log from the next expected index, then the live messages held meanwhile. */
  private catchUp(): void {
    if (this.closed || this.catchingUp) return;
    const standing = this.relay?.unsettle(this);
    if (standing !== undefined) this.next = standing;
    this.live = false;
    this.catchingUp = this.replay()
      .catch((error: Error) => {
        if (!this.closed) this.sink.drop(`stream read failed: ${error.message}`);
        this.close();
      })
      .finally(() => (this.catchingUp = undefined));
  }

  private async replay(): Promise<void> {
    for await (const message of this.deps.log.readFrom(this.id, this.next)) {
      if (this.closed) return;
      while (this.sink.backlog() >= this.deps.bufferLimit) {
        if (!(await this.waitDrained())) return this.dropSlow();
      }
      if (!this.deliver(message, false)) return;
    }
    // Back to live: flush what arrived during the replay, in order.
    while (this.held.length > 0 && !this.closed) {
      const message = this.held.shift() as LlmMessage;
      if (message.type === 'token' && message.index > this.next) {
        // Still a gap after reading the log to its end: the log is behind Pub/Sub only transiently; read again.
        this.held.unshift(message);
        await new Promise((r) => setTimeout(r, 20));
        return this.replay();
      }
      if (!this.deliver(message, false)) return;
    }
    this.live = !this.closed;
    // Synchronously after the last held message: nothing can be relayed between the flush and joining the room.
    if (this.live) this.relay?.settle(this);
  }

  private async waitDrained(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((done) => (timer = setTimeout(() => done(false), DRAIN_TIMEOUT_MS)));
    const drained = this.sink.drained().then(() => true);
    try {
      return await Promise.race([drained, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  dropSlow(): void {
    if (this.closed) return;
    this.deps.metrics.viewersDropped.labels(this.sink.transport, 'slow_viewer').inc();
    this.sink.drop('slow_viewer');
    this.close();
  }
}
