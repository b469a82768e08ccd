import { InferenceClient, InferenceClientProviderApiError } from '@huggingface/inference';
import { chatMessages, UpstreamError, type GenerationRequest, type TokenProvider } from './token-provider.js';

/**
 * Hugging Face chat completion through `@huggingface/inference`: the Inference Providers router with HF_TOKEN, or
 * a self-hosted endpoint (TGI, Inference Endpoints) at HF_ENDPOINT_URL, passed as the client's `endpointUrl`.
 */
export class HuggingFaceProvider implements TokenProvider {
  readonly name = 'huggingface' as const;
  private readonly client: InferenceClient;

  constructor(
    private readonly token: string | undefined,
    private readonly endpointUrl: string | undefined,
    readonly defaultModel: string,
  ) {
    this.client = new InferenceClient(token, endpointUrl ? { endpointUrl } : {});
  }

  unavailable(): string | undefined {
    return this.token || this.endpointUrl
      ? undefined
      : 'provider huggingface is not configured: set HF_TOKEN or HF_ENDPOINT_URL';
  }

  async *stream(request: GenerationRequest): AsyncGenerator<string> {
    try {
      const chunks = this.client.chatCompletionStream(
        { model: request.model, messages: chatMessages(request), max_tokens: request.maxTokens },
        { signal: request.signal, retry_on_error: false },
      );
      for await (const chunk of chunks) {
        const content = chunk.choices?.[0]?.delta?.content;
        yield typeof content === 'string' ? content : '';
      }
    } catch (error) {
      if (request.signal.aborted) throw error;
      // The client's message for a non-JSON error body does not say which status the endpoint answered.
      const status = error instanceof InferenceClientProviderApiError ? error.httpResponse.status : 0;
      const message = (error as Error).message;
      throw new UpstreamError(
        status >= 400 ? `huggingface upstream answered HTTP ${status}` : 'huggingface upstream failed',
        message,
      );
    }
  }
}
