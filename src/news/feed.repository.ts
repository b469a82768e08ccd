import { Injectable } from '@nestjs/common';
import type { ChainableCommander, Cluster } from 'iovalkey';
import { AppConfig } from '../config/config.js';
import { LuaScript } from '../valkey/lua-script.js';
import { ValkeyService } from '../valkey/valkey.service.js';
import { execIdempotent, execOrThrow } from '../valkey/pipeline.js';
import { groupBySlot } from '../valkey/slots.js';

/**
 * Deliveries (users × short ids) per fanout.lua call: one call for many users keeps the per-command cost (on both
 * sides) off the per-user path, and a short call (~0.6 ms of Valkey time) lets other clients' commands (ingest, the
 * other stages' reads) in between; 512 cut the ingest-to-feed tail less.
 */
const DELIVERIES_PER_CALL = 128;

const FANOUT = LuaScript.from(new URL('./fanout.lua', import.meta.url));
const PAGE = LuaScript.from(new URL('./feed-page.lua', import.meta.url));
const REFILL = LuaScript.from(new URL('./feed-refill.lua', import.meta.url));

/**
 * How stale fan-out's cached activity times may be: a user's touch bumps `subscribers_version` only when their last
 * one is older than this (or absent), and the cache judges activity with this much grace.
 */
const ACTIVITY_REFRESH_MS = 3600000;

/** fanout.lua calls of one batch awaiting replies at once, per server (each ~0.6 ms of Valkey time when full). */
const CALLS_IN_FLIGHT = 64;

/** User ids per ZMSCORE of `users_active` (fan-out learning who of a topic's followers is active). */
const SCORES_PER_CALL = 10000;

/** Marks a redelivered article's short id in fanout.lua's arguments. */
const AGAIN = 'r';

/** How long fan-out reuses its judgement of which subscribers of a set of topics are active (ms). */
const ANSWER_REUSE_MS = 1000;

/** One fanout.lua call: groups of users (in one slot on a cluster) and the short ids each group gets. */
interface FanoutCall {
  groups: { shorts: string[]; users: string[] }[];
  /** Deliveries it carries (users × short ids, summed). */
  size: number;
}

/** What a delivery did: per short id, to how many feeds it was added; and how many were already there. */
export interface DeliveryReport {
  delivered: Map<string, number>;
  duplicates: number;
}

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
  /** Topic members and activity times, as of `subscribers_version` = `version`. */
  private subscribers?: {
    version: string;
    members: Map<string, string[]>;
    active: Map<string, number | null>;
    /** Answers for a set of topics (joined), judged at `at`: a steady load asks the same few sets again and again. */
    answers: Map<string, { at: number; byTopic: Map<string, string[]>; inactive: number }>;
  };

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  private get ttlSeconds(): number {
    // A feed untouched for as long as articles live points only at expired articles.
    return this.config.env.ARTICLE_TTL_DAYS * 86400;
  }

  /**
   * Is a user with this last-activity time (ms) active now? Never longer than a feed lives untouched (its keys expire
   * ARTICLE_TTL_DAYS after the user's last activity): a user away longer gets a rebuilt feed, not a half-expired one.
   */
  isActive(activeAt: number | null | undefined, now = Date.now()): boolean {
    return activeAt !== null && activeAt !== undefined && activeAt >= this.inactiveBefore(now);
  }

  /** The activity time (ms) before which a user is inactive now. */
  inactiveBefore(now = Date.now()): number {
    return now - Math.min(this.config.env.USER_ACTIVE_DAYS, this.config.env.ARTICLE_TTL_DAYS) * 86400000;
  }

  /** Queues the refresh of a feed's expiry (on user activity; fan-out sets it only when it creates a feed). */
  refreshTtl(pipeline: ChainableCommander, uid: string): void {
    const { keys } = this.valkey;
    for (const key of [keys.feed(uid), keys.feedSeen(uid), keys.feedStream(uid)]) pipeline.expire(key, this.ttlSeconds);
  }

  /** Does this last-activity time call for bumping `subscribers_version` (new, returning or stale in caches)? */
  activityChanges(previous: number | null, now = Date.now()): boolean {
    return previous === null || previous < now - ACTIVITY_REFRESH_MS;
  }

  /**
   * Active subscribers of each topic. Topic members and activity times are cached while `subscribers_version` (read
   * after the batch's articles were appended to their topic streams) is unchanged, so a steady stream of small
   * batches costs one GET each. A user who subscribes, or becomes active, bumps the version first: either this read
   * sees the bump, or their feed rebuild reads the topic stream after the append. Cached times lag by at most
   * ACTIVITY_REFRESH_MS (a touch within it does not bump), so they are judged with that much grace.
   */
  async activeSubscribers(topics: string[]): Promise<{ byTopic: Map<string, string[]>; inactive: number }> {
    const { command: client, keys } = this.valkey;
    const read = async (wanted: string[]): Promise<[string, string[][]]> => {
      const pipeline = client.pipeline().get(keys.subscribersVersion);
      for (const topic of wanted) pipeline.smembers(keys.topicSubscribers(topic));
      const [version, ...sets] = await execOrThrow(pipeline.exec());
      return [(version as string | null) ?? '0', sets as string[][]];
    };
    const previous = this.subscribers;
    const uncached = topics.filter((topic) => !previous?.members.has(topic));
    let [version, sets] = await read(uncached);
    let cache = previous;
    if (!cache || cache.version !== version) {
      // Changed since the cache was filled: start over, with all of this batch's topics read afresh.
      if (uncached.length < topics.length) [version, sets] = await read(topics);
      cache = { version, members: new Map(), active: new Map(), answers: new Map() };
      this.subscribers = cache;
      topics.forEach((topic, i) => cache!.members.set(topic, sets[i]));
    } else {
      uncached.forEach((topic, i) => cache!.members.set(topic, sets[i]));
    }
    const asked = [...topics].sort().join(',');
    const now = Date.now();
    const answered = cache.answers.get(asked);
    // Activity is judged with ACTIVITY_REFRESH_MS of grace: an answer a second old is as good as a new one.
    if (answered && now - answered.at < ANSWER_REUSE_MS) return answered;
    const members = topics.map((topic) => cache.members.get(topic) ?? []);
    const everyone = [...new Set(members.flat())];
    const unknown = everyone.filter((uid) => !cache.active.has(uid));
    // In bounded calls: one ZMSCORE with the ids of a topic's 100,000 followers overflows the stack (spread arguments).
    const asks: Promise<void>[] = [];
    for (let from = 0; from < unknown.length; from += SCORES_PER_CALL) {
      const ids = unknown.slice(from, from + SCORES_PER_CALL);
      asks.push(
        client
          .zmscore(keys.activeUsers, ...ids)
          .then((scores) =>
            ids.forEach((uid, i) => cache.active.set(uid, scores[i] === null ? null : Number(scores[i]))),
          ),
      );
    }
    await Promise.all(asks);
    const graceNow = now - ACTIVITY_REFRESH_MS;
    const active = new Set(everyone.filter((uid) => this.isActive(cache.active.get(uid), graceNow)));
    const byTopic = new Map(topics.map((topic, i) => [topic, members[i].filter((uid) => active.has(uid))]));
    const answer = { at: now, byTopic, inactive: everyone.length - active.size };
    cache.answers.set(asked, answer);
    return answer;
  }

  /**
   * Delivers short ids (oldest first) to each user's feed through `fanout.lua`. Users given the same ids travel as one
   * group (users following the same topics get the same articles), and a call carries several groups up to
   * DELIVERIES_PER_CALL. On a cluster a call holds one slot's users: with far more slots than users per topic set,
   * one call per slot and set would be a call per user. `again` holds the short ids of redelivered articles (fanned
   * out before): one not in a feed's seen set is delivered only if the feed has not turned over past it.
   */
  async deliver(deliveries: Map<string, string[]>, again: ReadonlySet<string> = new Set()): Promise<DeliveryReport> {
    const { command: client, keys } = this.valkey;
    const calls: FanoutCall[] = [];
    // A call's users share a hash slot on a cluster (its script touches their keys); one slot's worth when standalone.
    for (const slot of groupBySlot(deliveries, ([uid]) => keys.feed(uid), this.valkey.clustered)) {
      const sets = new Map<string, { shorts: string[]; users: string[] }>();
      for (const [uid, shorts] of slot) {
        const key = shorts.join(',');
        const set = sets.get(key);
        if (set) set.users.push(uid);
        else sets.set(key, { shorts, users: [uid] });
      }
      let call: FanoutCall = { groups: [], size: 0 };
      for (const { shorts, users } of sets.values()) {
        for (let from = 0; from < users.length;) {
          // A user whose ids alone are more than a call's worth still goes in a call of their own.
          const room = Math.floor((DELIVERIES_PER_CALL - call.size) / shorts.length);
          if (room < 1 && call.size > 0) {
            calls.push(call);
            call = { groups: [], size: 0 };
            continue;
          }
          const taken = users.slice(from, from + Math.max(1, room));
          call.groups.push({ shorts, users: taken });
          call.size += taken.length * shorts.length;
          from += taken.length;
        }
      }
      if (call.size > 0) calls.push(call);
    }
    const head = [this.config.env.FEED_MAX, this.ttlSeconds, ...keys.userKeyHeads];
    // Each call is sent as soon as it is built, so Valkey runs one while Node encodes the next (one pipeline for the
    // batch made Valkey wait for all of it: ~10-15% more time per article at the small batches of a steady load).
    const marked = new Map<string[], string[]>();
    const argv = (shorts: string[]): string[] => {
      if (again.size === 0) return shorts;
      let list = marked.get(shorts);
      if (!list) marked.set(shorts, (list = shorts.map((short) => (again.has(short) ? `${AGAIN}${short}` : short))));
      return list;
    };
    // At most CALLS_IN_FLIGHT calls await replies: a cluster makes a call per slot (~16,000 for 100,000 followers),
    // and all of them queued at once outwaited the socket timeout (the connection dropped and resent them).
    const replies: number[][] = new Array<number[]>(calls.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < calls.length) {
        const c = next++;
        const args: (string | number)[] = [...head];
        for (const { shorts, users } of calls[c].groups) args.push(users.join(','), shorts.length, ...argv(shorts));
        // The first user's feed key routes the call to its slot's node (the script builds the others' keys).
        replies[c] = (await FANOUT.run(client, [keys.feed(calls[c].groups[0].users[0])], args)) as number[];
      }
    };
    // Per primary on a cluster: each server gets as many calls per read as a single one does.
    const servers = this.valkey.clustered ? Math.max(1, (client as unknown as Cluster).nodes('master').length) : 1;
    await Promise.all(Array.from({ length: Math.min(CALLS_IN_FLIGHT * servers, calls.length) }, lane));
    const report: DeliveryReport = { delivered: new Map(), duplicates: 0 };
    calls.forEach(({ groups }, c) => {
      let i = 0;
      for (const { shorts, users } of groups) {
        for (const short of shorts) {
          const count = replies[c][i++];
          report.delivered.set(short, (report.delivered.get(short) ?? 0) + count);
          report.duplicates += users.length - count;
        }
      }
    });
    return report;
  }

  /** Up to `limit` short ids, newest first, after the short id `before` (from the head when absent). */
  async page(uid: string, limit: number, before?: string): Promise<string[]> {
    const reply = await PAGE.run(
      this.valkey.command,
      [this.valkey.keys.feed(uid)],
      [limit, before ?? '', this.config.env.FEED_MAX],
    );
    return (reply as (string | number)[]).map(String);
  }

  /** Feed stream entries strictly after `after` (and up to `until`, inclusive), oldest first. */
  async since(uid: string, after: string, until = '+'): Promise<FeedStreamEntry[]> {
    const raw = (await this.valkey.command.xrange(this.valkey.keys.feedStream(uid), `(${after}`, until)) as [
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
   * Refills a feed from the topic streams (a returning user, a change of topics): the feed becomes the newest FEED_MAX
   * of what it holds and the topics' recent articles, in order, in one atomic script. Answers how many were added.
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
      .map(([, fields]) => fieldValue(fields, 'n'))
      .filter((short) => /^\d+$/.test(short))
      .map(Number)
      .sort((a, b) => b - a)
      .slice(0, max);
    if (recent.length === 0) return 0;
    const [added] = await execIdempotent(client, [REFILL], (pipeline) =>
      REFILL.queue(
        pipeline,
        [keys.feed(uid), keys.feedSeen(uid), keys.feedStream(uid)],
        [max, this.ttlSeconds, ...recent.map(String)],
      ),
    );
    return Number(added);
  }
}

function fieldValue(flat: string[], name: string): string {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
  return '';
}
