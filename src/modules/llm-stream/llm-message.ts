/**
 * The JSON messages published on `llm:stream:{id}` and kept, in the same form, in the log `llm:log:{id}`, as the
 * LLM-token tutorial's publisher sends them: `timestamp` is epoch seconds (Python's time.time()), and every stream ends
 * with `end` (a failed one sends `error` just before it), so a subscriber that loops until `end` always stops.
 */
export interface StartMessage {
  type: 'start';
  request_id: string;
  model: string;
  timestamp: number;
}

export interface TokenMessage {
  type: 'token';
  content: string;
  index: number;
  timestamp: number;
}

/** Why a stream ended, when not normally: `error` on the `end` that follows an `error` message. */
export type EndReason = 'cancelled' | 'length' | 'error';

export interface EndMessage {
  type: 'end';
  request_id: string;
  total_tokens: number;
  timestamp: number;
  reason?: EndReason;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
  request_id: string;
  total_tokens: number;
  timestamp: number;
}

export type LlmMessage = StartMessage | TokenMessage | EndMessage | ErrorMessage;
export type TerminalMessage = EndMessage | ErrorMessage;

export type StreamStatus = 'running' | 'done' | 'cancelled' | 'error';

/** A message's `timestamp`: now, in epoch seconds (as Python's time.time(), to the millisecond). */
export function epochSeconds(): number {
  return Date.now() / 1000;
}

/**
 * Log entry ids are fixed by position, so an append can be a compare-and-set on the last id:
 * `0-1` the start, `1-{index}` token `index`, `2-0` the terminal message (end, or error), `2-1` the end after an error.
 */
export const LogId = {
  start: '0-1',
  token: (index: number): string => `1-${index}`,
  terminal: '2-0',
  endAfterError: '2-1',
  /** The id a token's append expects to find last: the previous token, or the start. */
  beforeToken: (index: number): string => (index === 0 ? '0-1' : `1-${index - 1}`),
  isToken: (id: string): boolean => id.startsWith('1-'),
  /** Where an id stands in the log: -1 empty, 0 the start, 1 + index for a token, Infinity the terminal message. */
  position: (id: string): number =>
    id === '' ? -1 : id === '0-1' ? 0 : id.startsWith('2-') ? Infinity : 1 + Number(id.slice(2)),
  isTerminal: (id: string): boolean => id.startsWith('2-'),
} as const;

export function isTerminal(message: LlmMessage): message is TerminalMessage {
  return message.type === 'end' || message.type === 'error';
}

/** What viewers get as `end`: the token count and, unless it finished normally, why (`error` carries a message). */
export interface ViewerEnd {
  total_tokens: number;
  reason?: EndReason;
  message?: string;
}

export function endPayload(message: TerminalMessage): ViewerEnd {
  if (message.type === 'error')
    return { total_tokens: message.total_tokens, reason: 'error', message: message.message };
  return message.reason
    ? { total_tokens: message.total_tokens, reason: message.reason }
    : { total_tokens: message.total_tokens };
}

/** The `end` a failed stream sends right after its `error`, for subscribers that stop only on `end`. */
export function endAfter(error: ErrorMessage): EndMessage {
  return {
    type: 'end',
    request_id: error.request_id,
    total_tokens: error.total_tokens,
    timestamp: error.timestamp,
    reason: 'error',
  };
}
