import type { Request, Response } from 'express';
import type { TerminalMessage } from './llm-message.js';
import { EventStreamSink } from './sse-viewer.js';

/** The AI SDK's header naming its UI message stream protocol (what `useChat`'s transport reads). */
export const UI_MESSAGE_STREAM_HEADER = { 'x-vercel-ai-ui-message-stream': 'v1' } as const;

/** A Skein stream is one assistant message with one text part. */
const TEXT_PART_ID = 'text';

/** The UI message chunks this route writes, as the `ai` package's uiMessageChunkSchema names their fields. */
type UiMessagePart =
  | { type: 'start'; messageId: string }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'error'; errorText: string }
  | { type: 'abort'; reason: string }
  | { type: 'finish'; finishReason: 'stop' | 'length' | 'error' | 'other' };

/**
 * `GET /llm/streams/{id}/ui-message-stream`: the AI SDK UI message stream protocol. `start` (messageId: the stream
 * id, so every reconnect yields the same message), `text-start`, a `text-delta` per token, `text-end`, then
 * `finish` and `data: [DONE]`; an error adds `error` before `finish`, a cancel adds `abort`. The protocol has no
 * resume point, so every connection replays the message from its first token.
 */
export class UiMessageStreamSink extends EventStreamSink {
  constructor(req: Request, res: Response, streamId: string) {
    super(req, res, UI_MESSAGE_STREAM_HEADER);
    this.part({ type: 'start', messageId: streamId });
    this.part({ type: 'text-start', id: TEXT_PART_ID });
  }

  token(_index: number, content: string): void {
    this.part({ type: 'text-delta', id: TEXT_PART_ID, delta: content });
  }

  end(message: TerminalMessage): void {
    this.part({ type: 'text-end', id: TEXT_PART_ID });
    if (message.type === 'error') {
      this.part({ type: 'error', errorText: message.message });
      return this.done('error');
    }
    if (message.reason === 'cancelled') {
      this.part({ type: 'abort', reason: 'cancelled' });
      return this.done('other');
    }
    this.done(message.reason === 'length' ? 'length' : 'stop');
  }

  /** The server gave up on this connection (e.g. slow_viewer), not the stream: the client may reconnect and replay. */
  drop(reason: string): void {
    this.part({ type: 'text-end', id: TEXT_PART_ID });
    this.part({ type: 'error', errorText: reason });
    this.done('error');
  }

  private done(finishReason: Extract<UiMessagePart, { type: 'finish' }>['finishReason']): void {
    this.part({ type: 'finish', finishReason });
    this.write('data: [DONE]\n\n');
    this.finish();
  }

  private part(part: UiMessagePart): void {
    this.write(`data: ${JSON.stringify(part)}\n\n`);
  }
}
