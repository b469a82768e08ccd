export const PROVIDERS = ['simulated', 'openai', 'huggingface'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface GenerationRequest {
  prompt: string;
  system?: string;
  model: string;
  /** Tokens still allowed (max_tokens minus those already logged). */
  maxTokens: number;
  /** What a previous attempt already logged: a reclaimed generation continues after it, never repeats it. */
  prefix: { text: string; tokens: number };
  /** Aborts the upstream request (cancellation, time-out, shutdown). */
  signal: AbortSignal;
}

/** An upstream model that streams text pieces ("tokens") for a prompt. */
export interface TokenProvider {
  readonly name: ProviderName;
  readonly defaultModel: string;
  /** Why this provider cannot be used with the current configuration, or undefined when it can. */
  unavailable(): string | undefined;
  /** Text pieces in order; an empty piece is an upstream event without text (a role or reasoning delta): not silence. */
  stream(request: GenerationRequest): AsyncIterable<string>;
}

/** An upstream failure worth showing a viewer: the message says what failed. */
/**
 * An upstream model call failed. `message` is served to viewers (the stream's `error`); `detail` — what the upstream
 * said, which may echo prompts, keys or its internals — is only logged.
 */
export class UpstreamError extends Error {
  override name = 'UpstreamError';

  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(detail === undefined ? message : `${message} (details in the server log)`);
  }
}

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** The chat a prompt becomes; a continuation resends it with the text so far as the assistant's prefix. */
export function chatMessages(request: GenerationRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  messages.push({ role: 'user', content: request.prompt });
  if (request.prefix.text.length > 0) messages.push({ role: 'assistant', content: request.prefix.text });
  return messages;
}

/**
 * Drops a continuation's echo of the text already sent: some upstreams restart the answer from the beginning
 * when given an assistant prefix. Pieces are held while they still match the prefix, then either dropped (the
 * whole prefix was repeated) or released (they diverged: it was new text after all).
 */
export async function* withoutRepeatedPrefix(prefix: string, pieces: AsyncIterable<string>): AsyncGenerator<string> {
  const target = prefix.trimStart();
  if (target.length === 0) {
    yield* pieces;
    return;
  }
  let held: string[] = [];
  let heldText = '';
  let deciding = true;
  for await (const piece of pieces) {
    // An event without text passes at once, even while deciding: it tells the caller the upstream is alive.
    if (!deciding || piece === '') {
      yield piece;
      continue;
    }
    held.push(piece);
    heldText += piece;
    const candidate = heldText.trimStart();
    if (candidate.length < target.length && target.startsWith(candidate)) continue;
    deciding = false;
    if (candidate.startsWith(target)) {
      const rest = candidate.slice(target.length);
      if (rest.length > 0) yield rest;
    } else {
      yield* held;
    }
    held = [];
  }
  // Ended while still matching: the continuation only echoed part of the text already sent.
}
