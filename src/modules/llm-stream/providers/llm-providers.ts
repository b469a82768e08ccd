import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/config.js';
import { HuggingFaceProvider } from './huggingface.provider.js';
import { OpenAiProvider } from './openai.provider.js';
import { SimulatedProvider } from './simulated.provider.js';
import type { ProviderName, TokenProvider } from './token-provider.js';

/** The upstream models this replica can stream from, built once from configuration. */
@Injectable()
export class LlmProviders {
  private readonly providers: Record<ProviderName, TokenProvider>;

  constructor(config: AppConfig) {
    const env = config.env;
    this.providers = {
      simulated: new SimulatedProvider(env.LLM_SIMULATED_TOKEN_DELAY_MS),
      openai: new OpenAiProvider(env.LLM_OPENAI_BASE_URL, env.LLM_OPENAI_API_KEY, env.LLM_OPENAI_MODEL),
      huggingface: new HuggingFaceProvider(env.HF_TOKEN, env.HF_ENDPOINT_URL, env.LLM_HF_MODEL),
    };
  }

  get(name: ProviderName): TokenProvider {
    return this.providers[name];
  }
}
