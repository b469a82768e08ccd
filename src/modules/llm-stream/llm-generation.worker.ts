import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import { StageWorker } from '../../streams/stage.decorator.js';
import {
  ReplicaStopping,
  type StageDefinition,
  type StageOutcome,
  type StreamEntry,
  type StreamStage,
} from '../../streams/stream-entry.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { LlmChannels } from './llm-channels.js';
import { epochSeconds, LogId, type EndReason, type LlmMessage } from './llm-message.js';
import { LlmStreamMetrics } from './llm-stream.metrics.js';
import { LlmProviders } from './providers/llm-providers.js';
import { UpstreamError, withoutRepeatedPrefix, type ProviderName } from './providers/token-provider.js';
import { TokenLogRepository, type StreamMeta } from './token-log.repository.js';

/** Why a generation's upstream request was aborted. */
export const LLM_STAGE = 'llm';

/**
 * How a generation left its stream: finished (ended, cancelled or ended by another), released (another generator is
 * ahead: it owns the request now, which must not be acknowledged under it), or resume (the log lost tokens under it).
 */
type Outcome = 'finished' | 'released' | 'resume';

/** Resumes after the log lost tokens at most this often in one delivery, then fails the delivery. */
const MAX_RESUMES = 3;

class Stop extends Error {
  constructor(readonly kind: 'cancelled' | 'timeout' | 'shutdown' | 'superseded') {
    super(kind);
  }
}

/**
 * Stage `llm`: generates one token stream per request entry of `llm:requests`. A generation is one handle() call
 * (the engine acknowledges when it returns), so batches are of one and several consumers run side by side.
 * A reclaimed request continues after the last token its log holds; every append is a compare-and-set on the
 * log's last id, so two generators can never log the same index.
 */
@Injectable()
@StageWorker(Role.Llm)
export class LlmGenerationWorker implements StreamStage, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LlmGenerationWorker.name);
  private readonly active = new Map<string, AbortController>();
  private stopping = false;
  readonly definition: StageDefinition;

  constructor(
    private readonly config: AppConfig,
    private readonly valkey: ValkeyService,
    private readonly log: TokenLogRepository,
    private readonly providers: LlmProviders,
    private readonly channels: LlmChannels,
    private readonly metrics: LlmStreamMetrics,
  ) {
    this.definition = {
      stage: LLM_STAGE,
      stream: valkey.keys.llmRequests,
      group: 'llm_workers',
      batchSize: 1,
      concurrency: config.env.LLM_CONCURRENCY,
      // One span per generation (a resumed one gets another), in the trace of the request that started it.
      span: 'skein.llm.generate',
    };
  }

  /** Generations running on this replica. */
  get running(): number {
    return this.active.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.has(Role.Llm)) return;
    // Broadcast (plain PUBLISH, in cancel.lua): the replica generating the stream is not known to the canceller.
    await this.channels.listen(
      this.valkey.keys.llmControl,
      (message) => {
        const control = message as { type?: string; id?: string };
        if (control.type === 'cancel' && control.id) this.active.get(control.id)?.abort(new Stop('cancelled'));
      },
      'broadcast',
    );
  }

  /** On shutdown, generations stop without finishing: the engine hands their entries over, to resume from the log. */
  onModuleDestroy(): void {
    this.stopping = true;
    for (const controller of this.active.values()) controller.abort(new Stop('shutdown'));
  }

  async handle(entries: StreamEntry[]): Promise<StageOutcome | void> {
    const rejected: StageOutcome['rejected'] = [];
    const released: StreamEntry[] = [];
    for (const entry of entries) {
      const id = entry.fields.id;
      if (!id) {
        rejected.push({ entry, reason: 'llm request has no id field' });
        continue;
      }
      const meta = await this.log.meta(id);
      if (!meta) {
        this.logger.warn(`llm request ${entry.id} names stream ${id}, which does not exist (expired?); skipped`);
        continue;
      }
      if (meta.status !== 'running') continue;
      // A request queued by an attempt the stream no longer names: a retry of the start queued its own.
      const attempt = entry.fields.attempt;
      if (attempt !== undefined && meta.attempt !== undefined && attempt !== meta.attempt) continue;
      // The start's last step, in case its replica failed before it (the stream must not end as never queued).
      if (attempt !== undefined && meta.queue_by !== undefined) await this.log.queued(id, attempt);
      if ((await this.generateToEnd(meta)) === 'released') released.push(entry);
    }
    return { rejected, released };
  }

  /** Generates, and resumes from the log's last token when the log lost tokens under it (a restart on a lagging AOF). */
  private async generateToEnd(meta: StreamMeta): Promise<Outcome> {
    for (let resumes = 0; ; resumes++) {
      const outcome = await this.generate(meta);
      if (outcome !== 'resume') return outcome;
      if (resumes === MAX_RESUMES) throw new Error(`the log of stream ${meta.id} kept losing tokens under it`);
      this.logger.warn(`the log of stream ${meta.id} lost tokens under its generation; resuming from its last token`);
    }
  }

  /**
   * A request the engine gave up on (delivered too often, e.g. its replicas kept dying mid-generation) ends its
   * stream with an `error`, so viewers and status reads are not left at `running` for good.
   */
  async deadLettered(entry: StreamEntry, reason: string): Promise<void> {
    const id = entry.fields.id;
    if (!id || !(await this.log.exists(id))) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      const snapshot = await this.log.snapshot(id);
      if (snapshot.terminal) return;
      const count = snapshot.tokens.length;
      const last = count > 0 ? LogId.token(count - 1) : snapshot.started ? LogId.start : '';
      const message = `generation abandoned: ${reason}`;
      const error: LlmMessage = {
        type: 'error',
        message,
        request_id: id,
        total_tokens: count,
        timestamp: epochSeconds(),
      };
      if ((await this.log.append(id, last, LogId.terminal, error)).appended) {
        this.metrics.ended.labels('error').inc();
        return;
      }
    }
  }

  private async generate(meta: StreamMeta): Promise<Outcome> {
    if (this.stopping) throw new ReplicaStopping();
    const { id } = meta;
    const snapshot = await this.log.snapshot(id);
    if (snapshot.terminal) return 'finished';
    const provider = this.providers.get(meta.provider as ProviderName);
    const controller = new AbortController();
    this.active.set(id, controller);
    const idle = new IdleTimer(this.config.env.LLM_UPSTREAM_TIMEOUT_MS, () => controller.abort(new Stop('timeout')));
    let count = snapshot.tokens.length;
    const text = snapshot.tokens.map((token) => token.content).join('');
    let iterator: AsyncIterator<string> | undefined;
    try {
      if (!snapshot.started) {
        const start: LlmMessage = { type: 'start', request_id: id, model: meta.model, timestamp: epochSeconds() };
        const started = await this.log.append(id, '', LogId.start, start);
        if (!started.appended) return refusal(started.lastId, '');
        this.metrics.started.labels(provider.name).inc();
      } else {
        this.logger.log(`resuming stream ${id} after token ${count - 1}`);
      }
      let reason: EndReason | undefined;
      // The api replica checked the provider's settings; this replica may lack them (a setting given to api only).
      const unconfigured = provider.unavailable();
      let failure = unconfigured && `${provider.name} is not configured on the llm replica: ${unconfigured}`;
      const pieces = provider.stream({
        prompt: meta.prompt,
        system: meta.system,
        model: meta.model,
        maxTokens: meta.max_tokens - count,
        prefix: { text, tokens: count },
        signal: controller.signal,
      });
      // The simulated model resumes exactly where asked; a real upstream may echo the prefix it was given.
      const guarded = count > 0 && provider.name !== 'simulated' ? withoutRepeatedPrefix(text, pieces) : pieces;
      iterator = guarded[Symbol.asyncIterator]();
      while (!failure) {
        let step: IteratorResult<string>;
        try {
          step = await iterator.next();
        } catch (error) {
          const stop = controller.signal.reason as unknown;
          if (stop instanceof Stop && stop.kind === 'shutdown') throw new ReplicaStopping({ cause: error });
          if (stop instanceof Stop && (stop.kind === 'cancelled' || stop.kind === 'superseded')) return 'finished';
          failure =
            stop instanceof Stop && stop.kind === 'timeout'
              ? `${provider.name} upstream timed out: nothing received for ${this.config.env.LLM_UPSTREAM_TIMEOUT_MS} ms`
              : error instanceof UpstreamError
                ? error.message
                : `${provider.name} upstream failed (details in the server log)`;
          if (!(error instanceof UpstreamError) || error.detail !== undefined) {
            this.logger.warn(
              `stream ${id}: ${failure}: ${error instanceof UpstreamError ? error.detail : (error as Error).message}`,
            );
          }
          break;
        }
        if (step.done) break;
        idle.reset();
        // An event without text (a role or reasoning delta) shows the upstream is alive; it is no token.
        if (step.value === '') continue;
        if (count >= meta.max_tokens) {
          reason = 'length';
          break;
        }
        const token: LlmMessage = { type: 'token', content: step.value, index: count, timestamp: epochSeconds() };
        const result = await this.log.append(id, LogId.beforeToken(count), LogId.token(count), token);
        if (!result.appended) {
          // Cancelled, another generator got ahead, or the log lost tokens: this run writes nothing more.
          controller.abort(new Stop('superseded'));
          return refusal(result.lastId, LogId.beforeToken(count));
        }
        count++;
        this.metrics.tokens.labels(provider.name).inc();
      }
      const expect = count === 0 ? LogId.start : LogId.token(count - 1);
      const terminal: LlmMessage = failure
        ? { type: 'error', message: failure, request_id: id, total_tokens: count, timestamp: epochSeconds() }
        : {
            type: 'end',
            request_id: id,
            total_tokens: count,
            timestamp: epochSeconds(),
            ...(reason ? { reason } : {}),
          };
      const ended = await this.log.append(id, expect, LogId.terminal, terminal);
      if (!ended.appended) return refusal(ended.lastId, expect);
      this.metrics.ended.labels(failure ? 'error' : 'done').inc();
      if (failure) this.logger.warn(`stream ${id} ended with an error: ${failure}`);
      return 'finished';
    } finally {
      idle.clear();
      this.active.delete(id);
      if (!controller.signal.aborted) controller.abort(new Stop('superseded'));
      await iterator?.return?.().catch(() => undefined);
    }
  }
}

/** Why the log refused an append that expected `expected` last and found `lastId`. */
function refusal(lastId: string, expected: string): Outcome {
  if (LogId.isTerminal(lastId)) return 'finished';
  return LogId.position(lastId) > LogId.position(expected) ? 'released' : 'resume';
}

/** Fires when `reset` has not been called for `ms`. */
class IdleTimer {
  private timer: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly fire: () => void,
  ) {
    this.timer = setTimeout(fire, ms);
  }

  reset(): void {
    this.timer.refresh();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
