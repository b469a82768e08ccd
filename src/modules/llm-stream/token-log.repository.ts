import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
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
const QUEUED = LuaScript.from(new URL('./queued.lua', import.meta.url));
const UNQUEUED = LuaScript.from(new URL('./unqueued.lua', import.meta.url));
const APPEND = LuaScript.from(new URL('./append.lua', import.meta.url));
const CANCEL = LuaScript.from(new URL('./cancel.lua', import.meta.url));
const ADOPT = LuaScript.from(new URL('./adopt.lua', import.meta.url));
const PAGE = 1000;

/** The fields of a stream's meta that name its request: a retry that repeats them takes over an unqueued stream. */
const REQUEST_FIELDS = ['id', 'provider', 'model', 'prompt', 'system', 'max_tokens'] as const;

/**
 * How long a created stream may stay unqueued (its generation not yet on `llm:requests`) before a read ends it with an
 * error: far longer than queueing takes, client retries through a failover included.
 */
export const QUEUE_GRACE_MS = 60000;

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
  /** The attempt that queued (or is queueing) the generation: `llm:requests` entries of another attempt are stale. */
  attempt?: string;
  /** Set until the generation is known to be queued: when (ms) an unqueued stream is ended with an error. */
  queue_by?: number;
}

/** How `create` went: a new stream, the same request's stream taken over (it was never queued), or the id is taken. */
export type Created = { attempt: string } | undefined;

/** What the log says so far: whether it started, the tokens in order, and how it ended. */
export interface LogSnapshot {
  started: boolean;
  tokens: TokenMessage[];
  terminal?: TerminalMessage;
}

export type AppendResult = { appended: true } | { appended: false; lastId: string };

/**
 * The durable side of a token stream: its meta hash `llm:meta:{id}` and its log `llm:log:{id}` (literal braces: one
 * slot). Every message is logged before it is published, so a late reader that reads the log after subscribing misses
 * nothing. On one server the script that logs a message also PUBLISHes it. On a Valkey Cluster the channel
 * (`llm:stream:{id}`, no braces) is in another slot, which a script may not touch: the script logs and the caller then
 * SPUBLISHes (sharded Pub/Sub: the message goes to the channel's shard only, not over the cluster bus to every node).
 *
 * A crash, or a failover, between the script and its SPUBLISH loses nothing a viewer needs: the message is in the log,
 * and viewers take tokens by index, not by arrival. A viewer that is sent token n+1 while expecting n, or an end that
 * counts more tokens than it has, re-reads the log from n (StreamViewer.deliver, LiveRoom.relay); a lost end (or lost
 * last tokens before a lost end) is found by the re-read a stream's relay makes after LLM_VIEWER_RECHECK_MS of
 * silence on a cluster (StreamRelay). A raw subscriber outside Skein may miss such a message: it reads the log to fill
 * in, as after any Pub/Sub gap.
 */
@Injectable()
export class TokenLogRepository {
  private readonly logger = new Logger(TokenLogRepository.name);

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  /** '1' when the scripts publish themselves (one server), '' when the caller SPUBLISHes after them (a cluster). */
  private get publishInScript(): string {
    return this.valkey.clustered ? '' : '1';
  }

  /**
   * SPUBLISHes, in order, messages a script logged (on a cluster only: on one server the script published them). The
   * cluster client routes SPUBLISH by its channel's slot, to the shard that owns it. A failure is logged, not thrown:
   * the messages are logged already, and viewers fill the gap from the log.
   */
  private async publishLogged(channel: string, messages: string[]): Promise<void> {
    if (!this.valkey.clustered) return;
    try {
      for (const message of messages) await this.valkey.command.spublish(channel, message);
    } catch (error) {
      this.logger.warn(`SPUBLISH on ${channel} failed (viewers re-read the log): ${(error as Error).message}`);
    }
  }

  private get ttl(): number {
    return this.config.env.LLM_LOG_TTL_SECONDS;
  }

  /**
   * Creates the stream, not yet queued (`queue`, then `queued`, finish the start); undefined when the id is taken. The
   * same request again while its stream is still unqueued (a retry after a failure between the steps) takes it over.
   */
  async create(meta: StreamMeta): Promise<Created> {
    const keys = this.valkey.keys;
    const named = REQUEST_FIELDS.flatMap((field) => [field, String(meta[field] ?? '')]);
    const other: string[] = [];
    for (const [field, value] of Object.entries(meta)) {
      if (value === undefined || field === 'attempt' || field === 'queue_by') continue;
      if (!(REQUEST_FIELDS as readonly string[]).includes(field)) other.push(field, String(value));
    }
    const attempt = randomBytes(8).toString('hex');
    const created = await START.run(
      this.valkey.command,
      [keys.llmMeta(meta.id), keys.llmLog(meta.id)],
      [this.ttl, attempt, Date.now() + QUEUE_GRACE_MS, named.length / 2, ...named, ...other],
    );
    return Number(created) === 0 ? undefined : { attempt };
  }

  /**
   * Queues a created stream's generation on `llm:requests` (another slot than the stream's on a cluster: a step of its
   * own). At least once: an entry of an attempt the stream no longer names is skipped by the generator.
   */
  async queue(id: string, attempt: string, traceparent = ''): Promise<void> {
    const trace = traceparent === '' ? [] : ['traceparent', traceparent];
    await this.valkey.command.xadd(this.valkey.keys.llmRequests, '*', 'id', id, 'attempt', attempt, ...trace);
  }

  /** Records that `attempt` is queued (idempotent): the stream no longer ends for want of a generation. */
  async queued(id: string, attempt: string): Promise<void> {
    await QUEUED.run(this.valkey.command, [this.valkey.keys.llmMeta(id)], [attempt]);
  }

  /**
   * Ends with an error a stream that was created but never queued and whose `queue_by` has passed (its replica failed
   * between the steps and no retry came); true when this call ended it. A no-op for any other stream.
   */
  async endUnqueued(id: string): Promise<boolean> {
    const keys = this.valkey.keys;
    const message = 'generation was never queued: the start of this stream failed; start it again';
    const error: LlmMessage = { type: 'error', message, request_id: id, total_tokens: 0, timestamp: epochSeconds() };
    const published = [JSON.stringify(error), JSON.stringify(endAfter(error))];
    const reply = await UNQUEUED.run(
      this.valkey.command,
      [keys.llmMeta(id), keys.llmLog(id)],
      [Date.now(), keys.llmChannel(id), this.ttl, ...published, message, this.publishInScript],
    );
    if (Number(reply) !== 1) return false;
    await this.publishLogged(keys.llmChannel(id), published);
    return true;
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
      attempt: raw.attempt,
      queue_by: raw.queue_by === undefined ? undefined : Number(raw.queue_by),
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

  /**
   * The channel a stream's viewers follow (its own, or a captured stream's) and, while it is unqueued, its `queue_by`;
   * undefined for an unknown id.
   */
  async viewerChannel(id: string): Promise<{ channel: string; queueBy?: number } | undefined> {
    const [status, channel, queueBy] = await this.valkey.command.hmget(
      this.valkey.keys.llmMeta(id),
      'status',
      'channel',
      'queue_by',
    );
    if (status === null) return undefined;
    return {
      channel: channel ?? this.valkey.keys.llmChannel(id),
      ...(status === 'running' && queueBy !== null ? { queueBy: Number(queueBy) } : {}),
    };
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
    const encoded = JSON.stringify(message);
    const end = message.type === 'error' ? JSON.stringify(endAfter(message)) : '';
    const reply = await APPEND.run(
      this.valkey.command,
      [keys.llmLog(id), keys.llmMeta(id)],
      [
        expectLast,
        entryId,
        encoded,
        channel,
        this.ttl,
        terminal,
        message.type === 'error' ? message.message : '',
        Date.now(),
        end,
        this.publishInScript,
      ],
    );
    if (reply !== 1) return { appended: false, lastId: String(reply) };
    // Awaited: the next append of this stream is published after this one (one connection to the channel's shard).
    await this.publishLogged(channel, end === '' ? [encoded] : [encoded, end]);
    return { appended: true };
  }

  /** Ends a running stream with reason `cancelled`; 'unknown' for an id that does not exist. */
  async cancel(id: string): Promise<'cancelled' | 'finished' | 'unknown'> {
    const keys = this.valkey.keys;
    const raw = await CANCEL.run(
      this.valkey.command,
      [keys.llmMeta(id), keys.llmLog(id)],
      [keys.llmChannel(id), keys.llmControl, id, Date.now(), this.ttl, epochSeconds(), this.publishInScript],
    );
    if (Array.isArray(raw)) {
      const [, channel, end] = raw as [number, string, string];
      await this.publishLogged(channel, [end]);
      return 'cancelled';
    }
    const reply = Number(raw);
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
