import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { execIdempotent } from '../../valkey/pipeline.js';

/** Users per delivery pipeline. */
const DELIVER_CHUNK = 500;

const FANOUT = LuaScript.from(new URL('./fanout.lua', import.meta.url));
const PAGE = LuaScript.from(new URL('./feed-page.lua', import.meta.url));

/** One entry of `feed_stream:{uid}`: its entry id (the client's cursor) and the article's short id. */
export interface FeedStreamEntry {
  cursor: string;
  short: string;
}

/**
 * Per-user feeds: `feed:{uid}` (short ids, newest first), `feed_seen:{uid}` (the same ids, for dedupe) and
 * `feed_stream:{uid}` (one entry per delivery, for live push and resume), capped at FEED_MAX and expiring together.
 */
@Injectable()
export class FeedRepository {
  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  private get ttlSeconds(): number {
    // A feed untouched for as long as articles live points only at expired articles.
    return this.config.env.ARTICLE_TTL_DAYS * 86400;
  }

  /** Is a user with this last-activity time (ms) active now? */
  isActive(activeAt: number | null | undefined, now = Date.now()): boolean {
    return activeAt !== null && activeAt !== undefined && activeAt >= now - this.config.env.USER_ACTIVE_DAYS * 86400000;
  }

  /** Active subscribers of each topic (one round trip for the sets, one for the activity scores). */
  async activeSubscribers(topics: string[]): Promise<{ byTopic: Map<string, string[]>; inactive: number }> {
    const { command: client, keys } = this.valkey;
    const members = await Promise.all(topics.map((topic) => client.smembers(keys.topicSubscribers(topic))));
    const everyone = [...new Set(members.flat())];
    const active = new Set<string>();
    if (everyone.length > 0) {
      const scores = await client.zmscore(keys.activeUsers, ...everyone);
      const now = Date.now();
      everyone.forEach((uid, i) => {
        if (this.isActive(scores[i] === null ? null : Number(scores[i]), now)) active.add(uid);
      });
    }
    const byTopic = new Map(topics.map((topic, i) => [topic, members[i].filter((uid) => active.has(uid))]));
    return { byTopic, inactive: everyone.length - active.size };
  }

  /**
   * Delivers short ids (oldest first) to each user's feed through `fanout.lua`, all users in one pipeline.
   * Answers per user one flag per id: true where delivered, false where it was already in the feed.
   */
  async deliver(deliveries: Map<string, string[]>): Promise<Map<string, boolean[]>> {
    const { command: client, keys } = this.valkey;
    const users = [...deliveries.keys()];
    const head = [this.config.env.FEED_MAX, this.ttlSeconds];
    const flags = new Map<string, boolean[]>();
    // Pipelines of bounded size, one after another: other work in this process runs between them.
    for (let from = 0; from < users.length; from += DELIVER_CHUNK) {
      const chunk = users.slice(from, from + DELIVER_CHUNK);
      const replies = (await execIdempotent(client, [FANOUT], (pipeline) => {
        for (const uid of chunk) {
          FANOUT.queue(
            pipeline,
            [keys.feed(uid), keys.feedSeen(uid), keys.feedStream(uid)],
            [...head, ...deliveries.get(uid)!],
          );
        }
      })) as number[][];
      chunk.forEach((uid, i) =>
        flags.set(
          uid,
          replies[i].map((flag) => flag === 1),
        ),
      );
    }
    return flags;
  }

  /** Up to `limit` short ids, newest first, after the short id `before` (from the head when absent). */
  async page(uid: string, limit: number, before?: string): Promise<string[]> {
    const reply = await PAGE.run(this.valkey.command, [this.valkey.keys.feed(uid)], [limit, before ?? '']);
    return (reply as (string | number)[]).map(String);
  }

  /** Feed stream entries strictly after `after`, oldest first. */
  async since(uid: string, after: string): Promise<FeedStreamEntry[]> {
    const raw = (await this.valkey.command.xrange(this.valkey.keys.feedStream(uid), `(${after}`, '+')) as [
      string,
      string[],
    ][];
    return raw.map(([cursor, fields]) => ({ cursor, short: fieldValue(fields, 'id') }));
  }

  /** The newest feed stream entry id, or `0-0` for an empty feed: live delivery starts after it. */
  async lastCursor(uid: string): Promise<string> {
    const raw = (await this.valkey.command.xrevrange(this.valkey.keys.feedStream(uid), '+', '-', 'COUNT', 1)) as [
      string,
      string[],
    ][];
    return raw[0]?.[0] ?? '0-0';
  }

  /**
   * Refills a feed from the topic streams: the newest FEED_MAX entries across the user's topics, delivered oldest
   * first through the same dedupe script (what the feed already holds is skipped). Answers how many were added.
   */
  async rebuild(uid: string, topics: string[]): Promise<number> {
    if (topics.length === 0) return 0;
    const { command: client, keys } = this.valkey;
    const max = this.config.env.FEED_MAX;
    const streams = await Promise.all(
      topics.map(
        (topic) => client.xrevrange(keys.topicStream(topic), '+', '-', 'COUNT', max) as Promise<[string, string[]][]>,
      ),
    );
    const recent = streams
      .flat()
      .map(([id, fields]) => ({ at: streamIdOrder(id), short: fieldValue(fields, 'n') }))
      .filter((entry) => /^\d+$/.test(entry.short))
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, max)
      .reverse();
    if (recent.length === 0) return 0;
    const flags = await this.deliver(new Map([[uid, recent.map((entry) => entry.short)]]));
    return (flags.get(uid) ?? []).filter(Boolean).length;
  }
}

function fieldValue(flat: string[], name: string): string {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
  return '';
}

/** A stream id as a bigint that orders ids of different streams by time. */
function streamIdOrder(id: string): bigint {
  const [ms, seq] = id.split('-');
  return (BigInt(ms) << 64n) + BigInt(seq ?? '0');
}
