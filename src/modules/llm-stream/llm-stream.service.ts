import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Principal } from '../../auth/access-rule.js';
import { AccessService } from '../../auth/access.service.js';
import { TokenSigner } from '../../auth/token-signer.js';
import { AppConfig } from '../../config/config.js';
import { Role } from '../../config/roles.js';
import { StreamStatsService } from '../../streams/stream-stats.service.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { LlmChannels } from './llm-channels.js';
import { LLM_STAGE } from './llm-generation.worker.js';
import type { CancelledStreamDto, CreatedStreamDto, CreateStreamDto, StreamStatusDto } from './llm-stream.dto.js';
import { LlmStreamMetrics } from './llm-stream.metrics.js';
import { LlmProviders } from './providers/llm-providers.js';
import { SIMULATED_DEFAULT_TOKENS } from './providers/simulated.provider.js';
import { StreamRelays } from './stream-relay.js';
import { StreamViewer, type ViewerSink } from './stream-viewer.js';
import { TokenLogRepository } from './token-log.repository.js';

/** Starts, reads and cancels token streams, and attaches viewers to them. */
@Injectable()
export class LlmStreamService implements OnModuleInit {
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
  ) {}

  onModuleInit(): void {
    // The api replica reports the generation queue's backlog, even with no llm replica left to report it.
    const keys = this.valkey.keys;
    if (this.config.has(Role.Api)) this.stats.track(keys.llmRequests, keys.deadLetter(LLM_STAGE));
  }

  /** Validates the request, creates the stream and queues its generation on `llm:requests`. */
  /** Queues a generation for `caller` (counted against its LLM_MAX_STREAMS_PER_MINUTE); answers a viewer token. */
  async start(request: CreateStreamDto, caller: Principal): Promise<CreatedStreamDto> {
    const env = this.config.env;
    if (request.prompt.length > env.LLM_MAX_PROMPT_CHARS) {
      throw new BadRequestException(
        `prompt must be at most ${env.LLM_MAX_PROMPT_CHARS} characters (LLM_MAX_PROMPT_CHARS)`,
      );
    }
    if (request.max_tokens !== undefined && request.max_tokens > env.LLM_MAX_TOKENS) {
      throw new BadRequestException(`max_tokens must be between 1 and ${env.LLM_MAX_TOKENS} (LLM_MAX_TOKENS)`);
    }
    const provider = this.providers.get(request.provider ?? 'simulated');
    const unavailable = provider.unavailable();
    if (unavailable) throw new BadRequestException(`provider: ${unavailable}`);
    await this.access.spendStreamStart(caller);
    const id = request.id ?? randomBytes(8).toString('hex');
    const created = await this.log.create({
      id,
      status: 'running',
      provider: provider.name,
      model: request.model ?? provider.defaultModel,
      prompt: request.prompt,
      system: request.system,
      max_tokens:
        request.max_tokens ??
        (provider.name === 'simulated' ? Math.min(SIMULATED_DEFAULT_TOKENS, env.LLM_MAX_TOKENS) : env.LLM_MAX_TOKENS),
      created_at: new Date().toISOString(),
    });
    if (!created) throw new ConflictException(`id: stream ${id} already exists`);
    // The viewer token lives as long as the stream's log.
    const viewer = await this.signer.sign('viewer', id, env.LLM_LOG_TTL_SECONDS);
    return { id, channel: this.valkey.keys.llmChannel(id), viewer_token: viewer.token };
  }

  async status(id: string): Promise<StreamStatusDto> {
    const [meta, snapshot] = await Promise.all([this.log.meta(id), this.log.snapshot(id)]);
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

  /** Attaches a viewer from token `from`; undefined when the stream does not exist. */
  async watch(
    id: string,
    from: number,
    sink: ViewerSink,
    onClose?: (viewer: StreamViewer) => void,
  ): Promise<StreamViewer | undefined> {
    if (!(await this.log.exists(id))) return undefined;
    const viewer = new StreamViewer(
      id,
      from,
      sink,
      {
        log: this.log,
        relays: this.relays,
        channels: this.channels,
        metrics: this.metrics,
        channel: this.valkey.keys.llmChannel(id),
        bufferLimit: this.config.env.LLM_VIEWER_BUFFER,
      },
      onClose,
    );
    await viewer.open();
    return viewer;
  }
}
