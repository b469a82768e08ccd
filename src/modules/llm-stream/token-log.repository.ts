import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import {
  endAfter,
  epochSeconds,
  LogId,
  type LlmMessage,
  type StreamStatus,
  type TerminalMessage,
  type TokenMessage,
} from './llm-message.js';

const START = LuaScript.from(new URL('./start.lua', import.meta.url));
const APPEND = LuaScript.from(new URL('./append.lua', import.meta.url));
const CANCEL = LuaScript.from(new URL('./cancel.lua', import.meta.url));
const ADOPT = LuaScript.from(new URL('./adopt.lua', import.meta.url));
const PAGE = 1000;

/** What `llm:meta:{id}` holds about a stream. */
export interface StreamMeta {
  id: string;
  status: StreamStatus;
  provider: string;
  model: string;
  prompt: string;
  system?: string;
  max_tokens: number;
  created_at: string;
  error?: string;
  /** Set on a captured stream (an outside publisher's): the channel its viewers follow, numbered as its log. */
  channel?: string;
}

/** What the log says so far: whether it started, the tokens in order, and how it ended. */
export interface LogSnapshot {
  started: boolean;
  tokens: TokenMessage[];
  terminal?: TerminalMessage;
}

export type AppendResult = { appended: true } | { appended: false; lastId: string };

/**
 * The durable side of a token stream: its meta hash and its log `llm:log:{id}`. Every message is logged before it
 * is published, in one script, so a late reader that reads the log after subscribing misses nothing.
 */
@Injectable()
export class TokenLogRepository {
  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  private get ttl(): number {
    return this.config.env.LLM_LOG_TTL_SECONDS;
  }

  /** Creates the stream and queues its generation; false when the id is taken. */
  /** Creates the stream and queues its generation; `traceparent` (tracing on) puts the generation in that trace. */
  async create(meta: StreamMeta, traceparent = ''): Promise<boolean> {
    const keys = this.valkey.keys;
    const fields: string[] = [];
    for (const [field, value] of Object.entries(meta)) if (value !== undefined) fields.push(field, String(value));
    const created = await START.run(
      this.valkey.command,
      [keys.llmMeta(meta.id), keys.llmLog(meta.id), keys.llmRequests],
      [this.ttl, meta.id, traceparent, ...fields],
    );
    return Number(created) === 1;
  }

  async meta(id: string): Promise<StreamMeta | undefined> {
    const raw = await this.valkey.command.hgetall(this.valkey.keys.llmMeta(id));
    if (!raw.status) return undefined;
    return {
      id,
      status: raw.status as StreamStatus,
      provider: raw.provider,
      model: raw.model,
      prompt: raw.prompt,
      system: raw.system,
      max_tokens: Number(raw.max_tokens),
      created_at: raw.created_at,
      error: raw.error,
      channel: raw.channel,
    };
  }

  /** Creates a captured stream's meta (no generation queued); false when the id exists. */
  async adopt(meta: StreamMeta): Promise<boolean> {
    const keys = this.valkey.keys;
    const fields: string[] = [];
    for (const [field, value] of Object.entries(meta)) if (value !== undefined) fields.push(field, String(value));
    const created = await ADOPT.run(
      this.valkey.command,
      [keys.llmMeta(meta.id), keys.llmLog(meta.id)],
      [this.ttl, ...fields],
    );
    return Number(created) === 1;
  }

  /** The channel a stream's viewers follow (its own, or a captured stream's), or undefined for an unknown id. */
  async viewerChannel(id: string): Promise<string | undefined> {
    const [status, channel] = await this.valkey.command.hmget(this.valkey.keys.llmMeta(id), 'status', 'channel');
    if (status === null) return undefined;
    return channel ?? this.valkey.keys.llmChannel(id);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.valkey.command.exists(this.valkey.keys.llmMeta(id))) === 1;
  }

  /**
   * Logs then publishes one message at its fixed position; refuses when the log's last id is not `expectLast`. An
   * `error` is followed, in the same script, by its `end` (at `2-1`): every stream's last message is an `end`.
   */
  async append(
    id: string,
    expectLast: string,
    entryId: string,
    message: LlmMessage,
    channel = this.valkey.keys.llmChannel(id),
  ): Promise<AppendResult> {
    const keys = this.valkey.keys;
    const terminal =
      message.type === 'end'
        ? message.reason === 'cancelled'
          ? 'cancelled'
          : 'done'
        : message.type === 'error'
          ? 'error'
          : '';
    const reply = await APPEND.run(
      this.valkey.command,
      [keys.llmLog(id), keys.llmMeta(id)],
      [
        expectLast,
        entryId,
        JSON.stringify(message),
        channel,
        this.ttl,
        terminal,
        message.type === 'error' ? message.message : '',
        Date.now(),
        message.type === 'error' ? JSON.stringify(endAfter(message)) : '',
      ],
    );
    return reply === 1 ? { appended: true } : { appended: false, lastId: String(reply) };
  }

  /** Ends a running stream with reason `cancelled`; 'unknown' for an id that does not exist. */
  async cancel(id: string): Promise<'cancelled' | 'finished' | 'unknown'> {
    const keys = this.valkey.keys;
    const reply = Number(
      await CANCEL.run(
        this.valkey.command,
        [keys.llmMeta(id), keys.llmLog(id)],
        [keys.llmChannel(id), keys.llmControl, id, Date.now(), this.ttl, epochSeconds()],
      ),
    );
    return reply === 1 ? 'cancelled' : reply === 0 ? 'finished' : 'unknown';
  }

  /** Log messages from token `from` on (tokens, then the terminal message if logged), in pages. */
  async *readFrom(id: string, from: number): AsyncGenerator<LlmMessage> {
    const key = this.valkey.keys.llmLog(id);
    let start = LogId.token(from);
    for (;;) {
      const page = (await this.valkey.command.xrange(key, start, '+', 'COUNT', PAGE)) as [string, string[]][];
      for (const [, fields] of page) yield parseEntry(fields);
      if (page.length < PAGE) return;
      start = `(${page[page.length - 1][0]}`;
    }
  }

  /** The whole log, for status reads and for a generator resuming a reclaimed request. */
  async snapshot(id: string): Promise<LogSnapshot> {
    const raw = (await this.valkey.command.xrange(this.valkey.keys.llmLog(id), '-', '+')) as [string, string[]][];
    const snapshot: LogSnapshot = { started: false, tokens: [] };
    for (const [entryId, fields] of raw) {
      const message = parseEntry(fields);
      if (entryId === LogId.start) snapshot.started = true;
      else if (message.type === 'token') snapshot.tokens.push(message);
      // After an error comes its end (reason error): the error, with its message, stays the one that says how it ended.
      else if (message.type === 'error' || (message.type === 'end' && !snapshot.terminal)) snapshot.terminal = message;
    }
    return snapshot;
  }
}

function parseEntry(fields: string[]): LlmMessage {
  const at = fields.indexOf('m');
  return JSON.parse(fields[at + 1]) as LlmMessage;
}
