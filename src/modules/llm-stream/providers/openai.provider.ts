import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { chatMessages, UpstreamError, type GenerationRequest, type TokenProvider } from './token-provider.js';

interface ChatChunk {
  choices?: { delta?: { content?: string | null } }[];
  error?: { message?: string } | string;
}

/** Any OpenAI-compatible `/v1/chat/completions` with `stream: true` (OpenAI, vLLM, llama.cpp, Ollama, TGI ...). */
export class OpenAiProvider implements TokenProvider {
  readonly name = 'openai' as const;

  constructor(
    private readonly baseUrl: string | undefined,
    private readonly apiKey: string | undefined,
    readonly defaultModel: string,
  ) {}

  unavailable(): string | undefined {
    return this.baseUrl ? undefined : 'provider openai is not configured: set LLM_OPENAI_BASE_URL';
  }

  /** `https://host/v1` and `https://host` both mean `https://host/v1/chat/completions`. */
  get url(): string {
    const base = (this.baseUrl ?? '').replace(/\/+$/, '');
    if (base.endsWith('/chat/completions')) return base;
    return base.endsWith('/v1') ? `${base}/chat/completions` : `${base}/v1/chat/completions`;
  }

  async *stream(request: GenerationRequest): AsyncGenerator<string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const response = await fetch(this.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        model: request.model,
        messages: chatMessages(request),
        max_tokens: request.maxTokens,
        stream: true,
      }),
      signal: request.signal,
    });
    if (!response.ok) {
      const body = (await response.text().catch(() => '')).slice(0, 500);
      throw new UpstreamError(`openai upstream answered HTTP ${response.status}`, body || undefined);
    }
    if (!response.body) throw new UpstreamError('openai upstream sent no body');

    const events: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => events.push(event) });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      for (const event of events.splice(0)) {
        if (event.data === '[DONE]') return;
        const data = parseChunk(event.data);
        if (data.error) {
          const message =
            typeof data.error === 'string' ? data.error : (data.error.message ?? JSON.stringify(data.error));
          throw new UpstreamError('openai upstream failed mid-stream', message);
        }
        const content = data.choices?.[0]?.delta?.content;
        yield typeof content === 'string' ? content : '';
      }
    }
    throw new UpstreamError('openai upstream closed the stream before [DONE]');
  }
}

function parseChunk(data: string): ChatChunk {
  try {
    return JSON.parse(data) as ChatChunk;
  } catch {
    throw new UpstreamError('openai upstream sent an event that is not JSON', data.slice(0, 200));
  }
}
