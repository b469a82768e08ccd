import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../../auth/access-rule.js';
import { AccessService } from '../../auth/access.service.js';
import { TokenSigner } from '../../auth/token-signer.js';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import type { HeaderedException } from '../../http/headered-exception.filter.js';
import { StreamStatsService, unprocessed } from '../../streams/stream-stats.service.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { LlmChannels } from './llm-channels.js';
import { LLM_STAGE } from './llm-generation.worker.js';
import type {
  CancelledStreamDto,
  CreatedStreamDto,
  CreateStreamDto,
  StreamReadDto,
  StreamStatusDto,
} from './llm-stream.dto.js';
import { LlmStreamMetrics } from './llm-stream.metrics.js';
import { LlmProviders } from './providers/llm-providers.js';
import { SIMULATED_DEFAULT_TOKENS } from './providers/simulated.provider.js';
import type { TokenProvider } from './providers/token-provider.js';
import { StreamCapture } from './stream-capture.js';
import { StreamRelays } from './stream-relay.js';
import { StreamViewer, type ViewerSink } from './stream-viewer.js';
import { TokenBatch } from './token-batch.js';
import { TokenLogRepository } from './token-log.repository.js';
import { activeTraceparent } from '../../tracing/stage-span.js';

/** Seconds a caller refused for a full backlog is told to wait: about one generation. */
const BACKLOG_RETRY_AFTER_SECONDS = 5;

/** 503: `llm:requests` holds LLM_MAX_BACKLOG requests not yet generated; nothing was written. */
export class LlmBacklogFullError extends ServiceUnavailableException implements HeaderedException {
  readonly headers = { 'Retry-After': String(BACKLOG_RETRY_AFTER_SECONDS) };

  constructor(backlog: number, limit: number) {
    super(
      `llm:requests holds ${backlog} requests waiting or in generation (limit LLM_MAX_BACKLOG=${limit}); ` +
        `retry after ${BACKLOG_RETRY_AFTER_SECONDS} s`,
    );
  }
}

/** 503: the stream was created but its generation could not be queued; the same request again finishes the start. */
export class LlmQueueUnavailableError extends ServiceUnavailableException implements HeaderedException {
  readonly headers = { 'Retry-After': '1' };

  constructor(id: string, cause: Error) {
    super(
      `stream ${id} was created but its generation could not be queued on llm:requests (${cause.message}); ` +
        'send the same request again to finish starting it',
    );
  }
}

/** Starts, reads and cancels token streams, and attaches viewers to them. */
@Injectable()
export class LlmStreamService implements OnModuleInit {
  private readonly logger = new Logger(LlmStreamService.name);
  /** LLM_MODELS: the models a caller may name beside a provider's default. */
  private readonly models: readonly string[];
  /** Unqueued streams with a viewer here, each checked once at its queue_by. */
  private readonly awaitingQueue = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly valkey: ValkeyService,
    private readonly log: TokenLogRepository,
    private readonly providers: LlmProviders,
    private readonly channels: LlmChannels,
    private readonly relays: StreamRelays,
    private readonly stats: StreamStatsService,
    private readonly access: AccessService,
    private readonly signer: TokenSigner,
    private readonly metrics: LlmStreamMetrics,
    private readonly capture: StreamCapture,
  ) {
    const listed = config.env.LLM_MODELS.split(',').map((model) => model.trim());
    this.models = [...new Set(listed.filter((model) => model.length > 0))];
  }

  onModuleInit(): void {
    // The api replica reports the generation queue's backlog, even with no llm replica left to report it.
    const keys = this.valkey.keys;
    if (this.config.has(Role.Api)) this.stats.track(keys.llmRequests, keys.deadLetter(LLM_STAGE));
  }

  /**
   * Validates the request, creates the stream for `caller` (counted against its LLM_MAX_STREAMS_PER_MINUTE) and queues
   * its generation on `llm:requests`; refused with nothing written when the request breaks a limit or the queue is
   * full. Answers a viewer token for the stream.
   */
  async start(request: CreateStreamDto, caller: Principal): Promise<CreatedStreamDto> {
    const env = this.config.env;
    const input = request.prompt.length + (request.system?.length ?? 0);
    if (input > env.LLM_MAX_INPUT_CHARS) {
      throw new BadRequestException(
        `prompt and system together must be at most ${env.LLM_MAX_INPUT_CHARS} characters ` +
          `(LLM_MAX_INPUT_CHARS); they are ${input}`,
      );
    }
    if (request.max_tokens !== undefined && request.max_tokens > env.LLM_MAX_TOKENS) {
      throw new BadRequestException(`max_tokens must be between 1 and ${env.LLM_MAX_TOKENS} (LLM_MAX_TOKENS)`);
    }
    const provider = this.providers.get(request.provider ?? 'simulated');
    const model = this.allowedModel(provider, request.model);
    const unavailable = provider.unavailable();
    if (unavailable) throw new BadRequestException(`provider: ${unavailable}`);
    await this.assertBacklog();
    await this.access.spendStreamStart(caller);
    const id = request.id ?? randomBytes(8).toString('hex');
    const created = await this.log.create({
      id,
      status: 'running',
      provider: provider.name,
      model,
      prompt: request.prompt,
      system: request.system,
      max_tokens: request.max_tokens ?? this.defaultMaxTokens(provider),
      created_at: new Date().toISOString(),
    });
    if (!created) throw new ConflictException(`id: stream ${id} already exists`);
    // `llm:requests` is in another slot than the stream on a cluster: queued in steps of their own. A failure here
    // leaves the stream unqueued: the same request again finishes the start, else it ends with an error at its queue_by.
    try {
      // The generation's span (skein.llm.generate) joins the request's trace.
      await this.log.queue(id, created.attempt, activeTraceparent());
    } catch (error) {
      throw new LlmQueueUnavailableError(id, error as Error);
    }
    // The generator confirms it too when it takes the request: the stream is queued whether or not this lands.
    await this.log
      .queued(id, created.attempt)
      .catch((error: Error) => this.logger.warn(`stream ${id} is queued but not yet marked so: ${error.message}`));
    // The viewer token lives as long as the stream's log.
    const viewer = await this.signer.sign('viewer', id, env.LLM_LOG_TTL_SECONDS);
    return { id, channel: this.valkey.keys.llmChannel(id), viewer_token: viewer.token };
  }

  /** The model to run: the provider's default, or one the operator listed in LLM_MODELS; else a 400 listing them. */
  private allowedModel(provider: TokenProvider, requested: string | undefined): string {
    if (requested === undefined || requested === provider.defaultModel || this.models.includes(requested)) {
      return requested ?? provider.defaultModel;
    }
    const allowed = [provider.defaultModel, ...this.models.filter((model) => model !== provider.defaultModel)];
    throw new BadRequestException(
      `model must be one of ${allowed.join(', ')} for provider ${provider.name} ` +
        `(its default, and the models listed in LLM_MODELS)`,
    );
  }

  /** A request without max_tokens: LLM_DEFAULT_MAX_TOKENS (the simulated model's shorter demo answer if less). */
  private defaultMaxTokens(provider: TokenProvider): number {
    const env = this.config.env;
    const fallback = Math.min(env.LLM_DEFAULT_MAX_TOKENS, env.LLM_MAX_TOKENS);
    return provider.name === 'simulated' ? Math.min(SIMULATED_DEFAULT_TOKENS, fallback) : fallback;
  }

  /** Refuses a new request while LLM_MAX_BACKLOG requests wait for, or are in, generation. */
  private async assertBacklog(): Promise<void> {
    const limit = this.config.env.LLM_MAX_BACKLOG;
    const [stats] = await this.stats.stats([this.valkey.keys.llmRequests]);
    const backlog = unprocessed(stats);
    if (backlog >= limit) throw new LlmBacklogFullError(backlog, limit);
  }

  async status(id: string): Promise<StreamStatusDto> {
    let [meta, snapshot] = await Promise.all([this.log.meta(id), this.log.snapshot(id)]);
    if (meta && overdue(meta.status, meta.queue_by) && (await this.endUnqueued(id))) {
      [meta, snapshot] = await Promise.all([this.log.meta(id), this.log.snapshot(id)]);
    }
    if (!meta) throw new NotFoundException(`stream ${id} not found`);
    return {
      id,
      status: meta.status,
      text: snapshot.tokens.map((token) => token.content).join(''),
      tokens: snapshot.tokens.length,
      model: meta.model,
      provider: meta.provider,
      created_at: meta.created_at,
      ...(meta.error ? { error: meta.error } : {}),
    };
  }

  /** Whether a stream has finished and a viewer resuming at token `start` already had its end (`start` past it). */
  async seenToTheEnd(id: string, start: number): Promise<boolean> {
    const snapshot = await this.log.snapshot(id);
    return snapshot.terminal !== undefined && start > snapshot.tokens.length;
  }

  /** Ends a running stream with reason `cancelled` and tells the generating replica to abort its upstream call. */
  async cancel(id: string): Promise<CancelledStreamDto> {
    const outcome = await this.log.cancel(id);
    if (outcome === 'unknown') throw new NotFoundException(`stream ${id} not found`);
    if (outcome === 'cancelled') {
      this.metrics.ended.labels('cancelled').inc();
      return { id, status: 'cancelled' };
    }
    const meta = await this.log.meta(id);
    return { id, status: meta?.status ?? 'done' };
  }

  exists(id: string): Promise<boolean> {
    return this.log.exists(id);
  }

  /**
   * Tokens from index `from` (at most `limit`): those already logged, else those that arrive within `waitMs`; and the
   * end once it is logged after them. The read is a viewer like any other (log, then live), closed when it returns.
   */
  async read(id: string, from: number, waitMs: number, limit: number, signal?: AbortSignal): Promise<StreamReadDto> {
    const deadline = Date.now() + waitMs;
    const batch = new TokenBatch(limit);
    const viewer = await this.watch(id, from, batch);
    if (!viewer) throw new NotFoundException(`stream ${id} not found`);
    const read = await batch.settled(deadline, signal).finally(() => viewer.close());
    const last = read.tokens.at(-1);
    const status = read.ended
      ? read.ended.reason === 'error' || read.ended.reason === 'cancelled'
        ? read.ended.reason
        : 'done'
      : 'running';
    return {
      id,
      status,
      done: read.ended !== undefined,
      tokens: read.tokens,
      text: read.tokens.map((token) => token.content).join(''),
      next: last ? last.index + 1 : from,
      ...(read.ended ? { end: read.ended } : {}),
    };
  }

  /**
   * Whether a viewer can watch stream `id`: it exists, or (LLM_CAPTURE_WAIT_MS > 0) a publisher outside Skein
   * published on its channel within that time and it is being captured (see StreamCapture).
   */
  async watchable(id: string): Promise<boolean> {
    return (await this.log.exists(id)) || this.capture.capture(id);
  }

  /** Attaches a viewer from token `from`; undefined when the stream does not exist. */
  async watch(
    id: string,
    from: number,
    sink: ViewerSink,
    onClose?: (viewer: StreamViewer) => void,
  ): Promise<StreamViewer | undefined> {
    let found = await this.log.viewerChannel(id);
    if (found === undefined && (await this.capture.capture(id))) found = await this.log.viewerChannel(id);
    if (found === undefined) return undefined;
    const { channel, queueBy } = found;
    if (queueBy !== undefined) this.endIfNeverQueued(id, queueBy);
    const viewer = new StreamViewer(
      id,
      from,
      sink,
      {
        log: this.log,
        relays: this.relays,
        channels: this.channels,
        metrics: this.metrics,
        channel,
        bufferLimit: this.config.env.LLM_VIEWER_BUFFER,
      },
      onClose,
    );
    await viewer.open();
    return viewer;
  }

  /** Ends a stream that was never queued, past its queue_by (see TokenLogRepository.endUnqueued). */
  private async endUnqueued(id: string): Promise<boolean> {
    const ended = await this.log.endUnqueued(id);
    if (ended) this.metrics.ended.labels('error').inc();
    return ended;
  }

  /**
   * A viewer of a stream whose generation is not (yet) known to be queued: at its queue_by, the stream is ended with an
   * error unless it was queued meanwhile, so the viewer does not wait for good on a start that failed halfway.
   */
  private endIfNeverQueued(id: string, queueBy: number): void {
    const end = (): void => void this.endUnqueued(id).catch(() => undefined);
    const wait = queueBy - Date.now();
    if (wait <= 0) return end();
    if (this.awaitingQueue.has(id)) return;
    this.awaitingQueue.add(id);
    setTimeout(() => {
      this.awaitingQueue.delete(id);
      end();
    }, wait + 1).unref();
  }
}

/** A running stream whose generation was never confirmed queued, past the time it had to be. */
function overdue(status: string, queueBy: number | undefined): boolean {
  return status === 'running' && queueBy !== undefined && queueBy <= Date.now();
}
