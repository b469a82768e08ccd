import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { LlmChannels } from './llm-channels.js';
import { epochSeconds, LogId, type EndReason, type LlmMessage } from './llm-message.js';
import { LlmStreamMetrics } from './llm-stream.metrics.js';
import { TokenLogRepository } from './token-log.repository.js';

/** The provider a captured stream reports: its tokens came from a publisher outside Skein. */
export const EXTERNAL_PROVIDER = 'external';

/**
 * Watching a publisher outside Skein: a viewer of an unknown stream id makes this replica SUBSCRIBE to
 * `llm:stream:{id}` for LLM_CAPTURE_WAIT_MS. Once something is heard the stream exists (meta with provider `external`),
 * and each message is logged and republished on `llm:capture:{id}`, numbered as its log (tokens from 0 in the order
 * heard), which is the channel its viewers follow. Only what is published after the capture subscribed is captured;
 * the capture ends on the publisher's `end` or `error`, after LLM_MAX_TOKENS tokens (reason length), when the stream is
 * cancelled, or with an `error` after LLM_UPSTREAM_TIMEOUT_MS of silence.
 */
@Injectable()
export class StreamCapture implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamCapture.name);
  /** Captures on this replica that wait for their first message (viewers of the same id share one). */
  private readonly waiting = new Map<string, Promise<boolean>>();
  private readonly running = new Set<Capture>();

  constructor(
    private readonly config: AppConfig,
    private readonly valkey: ValkeyService,
    private readonly channels: LlmChannels,
    private readonly log: TokenLogRepository,
    private readonly metrics: LlmStreamMetrics,
  ) {}

  get enabled(): boolean {
    return this.config.env.LLM_CAPTURE_WAIT_MS > 0;
  }

  /** Resolves true once stream `id` exists (captured, or created meanwhile), false if nothing was heard in time. */
  capture(id: string): Promise<boolean> {
    if (!this.enabled) return Promise.resolve(false);
    let heard = this.waiting.get(id);
    if (!heard) {
      const capture = new Capture(id, this.config, this.valkey, this.log, this.metrics, this.logger);
      this.running.add(capture);
      heard = capture
        .start(this.channels, this.config.env.LLM_CAPTURE_WAIT_MS, () => this.running.delete(capture))
        .finally(() => this.waiting.delete(id));
      this.waiting.set(id, heard);
    }
    return heard;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.running].map((capture) => capture.abandon('this replica shut down')));
  }
}

class Capture {
  private count = 0;
  private adopted = false;
  private done = false;
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private unlisten?: () => void;
  private onDone: () => void = () => undefined;
  private resolveHeard: (heard: boolean) => void = () => undefined;
  private readonly channel: string;

  constructor(
    readonly id: string,
    private readonly config: AppConfig,
    private readonly valkey: ValkeyService,
    private readonly log: TokenLogRepository,
    private readonly metrics: LlmStreamMetrics,
    private readonly logger: Logger,
  ) {
    this.channel = valkey.keys.llmCaptureChannel(id);
  }

  async start(channels: LlmChannels, waitMs: number, onDone: () => void): Promise<boolean> {
    this.onDone = onDone;
    const heard = new Promise<boolean>((resolve) => (this.resolveHeard = resolve));
    const heardOne = (message: unknown): void => {
      this.chain = this.chain
        .then(() => this.record(message))
        .catch((error: Error) => {
          this.logger.warn(`capturing stream ${this.id} failed: ${error.message}`);
          this.stop();
        });
    };
    try {
      // On a cluster an outside publisher may SPUBLISH (sharded, heard on the channel's shard) or PUBLISH (heard on any
      // node): both are listened to. On one server both are the same SUBSCRIBE.
      const channel = this.valkey.keys.llmChannel(this.id);
      const scopes = this.valkey.clustered ? (['sharded', 'broadcast'] as const) : (['broadcast'] as const);
      const listening = await Promise.allSettled(scopes.map((scope) => channels.listen(channel, heardOne, scope)));
      const unlisten = listening.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      this.unlisten = () => unlisten.forEach((stop) => stop());
      const failed = listening.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      this.stop();
      throw error;
    }
    if (this.done) this.unlisten();
    else this.timer = setTimeout(() => this.stop(), waitMs);
    return heard;
  }

  /** Ends a captured stream that is still running with an error (its publisher went quiet, or this replica stops). */
  async abandon(why: string): Promise<void> {
    if (this.done) return;
    if (!this.adopted) return this.stop();
    this.done = true;
    await this.chain;
    await this.end({ type: 'error', message: why, request_id: this.id, total_tokens: this.count, timestamp: 0 });
    this.stop();
  }

  private stop(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.unlisten?.();
    this.unlisten = undefined;
    this.resolveHeard(this.adopted);
    this.onDone();
  }

  private async record(raw: unknown): Promise<void> {
    if (this.done || typeof raw !== 'object' || raw === null) return;
    const message = raw as Record<string, unknown>;
    const type = message.type;
    if (type !== 'start' && type !== 'token' && type !== 'end' && type !== 'error') return;
    if (!this.adopted) {
      const model = typeof message.model === 'string' && message.model ? message.model : EXTERNAL_PROVIDER;
      const created = await this.log.adopt({
        id: this.id,
        status: 'running',
        provider: EXTERNAL_PROVIDER,
        model,
        prompt: '',
        max_tokens: this.config.env.LLM_MAX_TOKENS,
        created_at: new Date().toISOString(),
        channel: this.channel,
      });
      if (!created) {
        // A Skein stream of that id, or another replica's capture: either way the stream exists now.
        this.resolveHeard(true);
        return this.stop();
      }
      this.adopted = true;
      this.resolveHeard(true);
      // From here on the bound is the publisher's silence, as for an upstream model.
      const silence = this.config.env.LLM_UPSTREAM_TIMEOUT_MS;
      clearTimeout(this.timer);
      this.timer = setTimeout(
        () => void this.abandon(`the publisher on llm:stream:${this.id} sent nothing for ${silence} ms`),
        silence,
      );
      this.metrics.started.labels(EXTERNAL_PROVIDER).inc();
      const start: LlmMessage = { type: 'start', request_id: this.id, model, timestamp: timestampOf(message) };
      if (!(await this.append('', LogId.start, start))) return;
      if (type === 'start') return;
    }
    this.timer?.refresh();
    if (type === 'token') {
      if (typeof message.content !== 'string') return;
      const index = this.count;
      const token: LlmMessage = { type: 'token', content: message.content, index, timestamp: timestampOf(message) };
      if (!(await this.append(LogId.beforeToken(index), LogId.token(index), token))) return;
      this.count++;
      this.metrics.tokens.labels(EXTERNAL_PROVIDER).inc();
      if (this.count >= this.config.env.LLM_MAX_TOKENS) {
        await this.end({ ...this.endMessage(timestampOf(message)), reason: 'length' });
        this.stop();
      }
    } else if (type === 'end' || type === 'error') {
      const at = timestampOf(message);
      await this.end(
        type === 'error'
          ? {
              type: 'error',
              message: typeof message.message === 'string' ? message.message : 'the publisher reported an error',
              request_id: this.id,
              total_tokens: this.count,
              timestamp: at,
            }
          : { ...this.endMessage(at), ...(reasonOf(message) ? { reason: reasonOf(message) } : {}) },
      );
      this.stop();
    }
  }

  private endMessage(timestamp: number): LlmMessage & { type: 'end' } {
    return { type: 'end', request_id: this.id, total_tokens: this.count, timestamp };
  }

  private async end(message: LlmMessage): Promise<void> {
    if (message.timestamp === 0) message.timestamp = epochSeconds();
    const last = this.count === 0 ? LogId.start : LogId.token(this.count - 1);
    if (await this.append(last, LogId.terminal, message)) {
      const outcome =
        message.type === 'error'
          ? 'error'
          : message.type === 'end' && message.reason === 'cancelled'
            ? 'cancelled'
            : 'done';
      this.metrics.ended.labels(outcome).inc();
    }
  }

  /** Logs and republishes one message; false (and the capture stops) when the log refused it (e.g. cancelled). */
  private async append(expectLast: string, entryId: string, message: LlmMessage): Promise<boolean> {
    const result = await this.log.append(this.id, expectLast, entryId, message, this.channel);
    if (!result.appended) this.stop();
    return result.appended;
  }
}

/** The publisher's timestamp when it is epoch seconds (the tutorial's time.time()), else now. */
function timestampOf(message: Record<string, unknown>): number {
  const at = message.timestamp;
  return typeof at === 'number' && Number.isFinite(at) && at > 0 && at < 1e11 ? at : epochSeconds();
}

function reasonOf(message: Record<string, unknown>): EndReason | undefined {
  const reason = message.reason;
  return reason === 'length' || reason === 'cancelled' || reason === 'error' ? reason : undefined;
}
