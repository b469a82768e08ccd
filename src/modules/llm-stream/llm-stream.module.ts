import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/config.js';
import { roleModule } from '../../config/role-module.js';
import { LlmChannels } from './llm-channels.js';
import { LlmGenerationWorker } from './llm-generation.worker.js';
import { LlmStreamController } from './llm-stream.controller.js';
import { LlmStreamGateway } from './llm-stream.gateway.js';
import { LlmStreamMetrics } from './llm-stream.metrics.js';
import { LlmStreamService } from './llm-stream.service.js';
import { LlmProviders } from './providers/llm-providers.js';
import { LlmStreamTools } from './llm-stream.tools.js';
import { StreamCapture } from './stream-capture.js';
import { StreamRelays } from './stream-relay.js';
import { TokenLogRepository } from './token-log.repository.js';

/** LLM token streams: generation on `llm` replicas (stage `llm`), delivery over REST, SSE and Socket.IO on `api` ones. */
@Module({})
export class LlmStreamModule {
  static register(config: AppConfig): DynamicModule {
    return roleModule(LlmStreamModule, config, {
      providers: [
        LlmStreamMetrics,
        TokenLogRepository,
        LlmChannels,
        StreamRelays,
        LlmProviders,
        LlmStreamService,
        StreamCapture,
        LlmGenerationWorker,
      ],
      controllers: [LlmStreamController],
      apiProviders: [LlmStreamGateway, LlmStreamTools],
      exports: [LlmStreamService],
    });
  }
}
