import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ChainableCommander, Cluster, Valkey } from 'iovalkey';
import { AppConfig } from '../config/config.js';
import { LuaScript } from '../valkey/lua-script.js';
import { ValkeyService } from '../valkey/valkey.service.js';
import { execIdempotent, execOrThrow } from '../valkey/pipeline.js';
import { mapLimit } from '../common/with-fallback.js';
import { groupBySlot, slotOf } from '../valkey/slots.js';

/**
 * Deliveries (users × short ids) per fanout.lua call: one call for many users keeps the per-command cost (on both
 * sides) off the per-user path, and a short call (~0.6 ms of Valkey time) lets other clients' commands (ingest, the
 * other stages' reads) in between; 512 cut the ingest-to-feed tail less.
 */
const DELIVERIES_PER_CALL = 128;

const FANOUT = LuaScript.from(new URL('./fanout.lua', import.meta.url), { crossSlot: true });
const PAGE = LuaScript.from(new URL('./feed-page.lua', import.meta.url));
const REFILL = LuaScript.from(new URL('./feed-refill.lua', import.meta.url));
const FOLLOWERS = LuaScript.from(new URL('./subscribers-change.lua', import.meta.url));

/**
 * How stale fan-out's cached activity times may be: a user's touch bumps their topics' versions only when their last
 * one is older than this (or absent), and the cache judges activity with this much grace.
 */
const ACTIVITY_REFRESH_MS = 3600000;

/**
 * fanout.lua calls of one batch awaiting replies at once, per server (each ~0.2 ms of Valkey time when full).
 * Valkey runs the calls it reads from one connection back to back, so another client's command waits for up to this
 * many. During a 100,000-follower burst (bench/million.ts --quick, two runs each): at 16 a probe's p99 was 14.4-19.8
 * ms, at 8 16.2-19.6, at 4 9.4-9.6 ms, for 17-20% fewer deliveries/s than at 16 (315-332k/s); at 64 its p50 was 6.6 ms.
 */
const CALLS_IN_FLIGHT = 4;

/** User ids per ZMSCORE of `users_active` (fan-out learning who of a topic's followers is active). */
const SCORES_PER_CALL = 10000;

/** A script that met a key of a slot its node no longer (or not yet fully) owns. */
const MOVED_AWAY = /non local key|MOVED|ASK|TRYAGAIN|CLUSTERDOWN|hash to the same slot|CROSSSLOT/;

/** Marks a redelivered article's short id in fanout.lua's arguments. */
const AGAIN = 'r';

/** How long fan-out reuses its judgement of which followers of a topic are active (ms). */
const ANSWER_REUSE_MS = 1000;

/** How long a replica reuses its read of `topics_pulled` (ms): a topic fan-out starts leaving to readers reaches
 * every reader within this (a read before it finds the article on the next read, after its mark). */
const PULLED_REUSE_MS = 1000;

/** refill.lua calls of one pull in flight at once (the relay pulls for every watched follower of a moved topic). */
const PULLS_IN_FLIGHT = 64;

/** One user's pull: the pulled topics they follow, and the marks they were read up to when the caller knows them. */
export interface PullRequest {
  uid: string;
  topics: string[];
  marks?: ReadonlyMap<string, string>;
}

/** What a pull did for one user: ids added to their feed, and each topic's mark after it. */
export interface PullResult {
  added: number;
  marks: Map<string, string>;
}

/** One fanout.lua call: groups of users (on one node on a cluster) and the short ids each group gets. */
interface FanoutCall {
  groups: { shorts: string[]; users: string[] }[];
  /** Deliveries it carries (users × short ids, summed). */
  size: number;
}

/**
 * Entries kept in a topic's change log (`subscribers_changed:{…}`): ~30 min of a busy topic's returns (and one hourly
 * prune call's 1,000); a replica that fell further behind reads the set whole again.
 */
const CHANGE_LOG_MAX = 20000;

/** What a change to a topic's followers is: they follow it now, no longer follow it, or only their activity moved. */
export type FollowerChange = 'add' | 'remove' | 'touch';

/** A fan-out replica's view of one topic's followers, as of its version. */
interface TopicFollowers {
  version: number;
  /** The version hash's epoch (null while it had none): another epoch is a server that started over. */
  epoch: string | null;
  /** The followers who were active when last read, and their activity time (ms). */
  active: Map<string, number>;
  /** The active followers judged at `at`: a steady load asks about the same topic many times a second. */
  answer?: { at: number; uids: string[] };
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
  /** Per topic, its active followers as of its version (see activeSubscribers). */
  private readonly followers = new Map<string, TopicFollowers>();
  /** The global version of the previous release, as last read (undefined before the first batch). */
  private legacyVersion?: string | null;
  /** One refresh at a time: concurrent consumers' batches would read (and load) the same topics twice. */
  private refreshing: Promise<unknown> = Promise.resolve();

  private fanoutClient?: Valkey;
  /** The last read of `topics_pulled`: topic → when fan-out last left one of its articles to readers (ms). */
  private pulledRead?: { at: number; topics: Promise<Map<string, number>> };

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  /**
   * fanout.lua's own connection (opened on first delivery): in a replica that also serves REST and sockets, a burst of
   * calls queued on the shared command connection held every feed read behind it (a million-user burst's REST read p99
   * was 87 ms, bench/million.ts).
   */
  private get fanout(): Valkey {
    return (this.fanoutClient ??= this.valkey.duplicate('fanout'));
  }

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
    for (const key of [keys.feed(uid), keys.feedSeen(uid), keys.feedStream(uid), keys.feedPull(uid)])
      pipeline.expire(key, this.ttlSeconds);
  }

  /** Does this last-activity time call for bumping the user's topics' versions (new, returning or stale in caches)? */
  activityChanges(previous: number | null, now = Date.now()): boolean {
    return previous === null || previous < now - ACTIVITY_REFRESH_MS;
  }

  /**
   * Changes who follows `topic` (or only marks `uids`' activity as changed) and bumps its version, in one script in the
   * topic's slot: fan-out caches re-read these users only. Answers the users whose change was recorded ('remove':
   * those who were members).
   */
  async changeFollowers(topic: string, change: FollowerChange, uids: string[]): Promise<string[]> {
    if (uids.length === 0) return [];
    const { keys } = this.valkey;
    return (await FOLLOWERS.run(
      this.valkey.command,
      [keys.topicSubscribers(topic), keys.topicSubscribersVersion(topic), keys.topicSubscribersChanged(topic)],
      [change, CHANGE_LOG_MAX, randomBytes(6).toString('hex'), ...uids],
    )) as string[];
  }

  /**
   * Active subscribers of each topic. Each topic's active followers are cached with the topic's version (one HMGET
   * per topic per batch, read after the batch's articles were appended to their topic streams); when it moved, only
   * the users in its change log since the cached version are read again (membership and activity). A user who
   * subscribes, or becomes active, marks activity first and bumps their topics' versions next: either this read sees
   * the bump, or their feed rebuild reads the topic stream after the append. A topic is read whole (SMEMBERS and
   * ZMSCORE) only when first asked, or when its log no longer reaches back to the cached version. Cached times lag by at
   * most ACTIVITY_REFRESH_MS (a touch within it does not bump), so they are judged with that much grace.
   */
  async activeSubscribers(topics: string[]): Promise<{ byTopic: Map<string, string[]>; inactive: number }> {
    const turn = this.refreshing.then(() => this.refresh(topics));
    this.refreshing = turn.catch(() => undefined);
    const counts = await turn;
    const now = Date.now();
    const graceNow = now - ACTIVITY_REFRESH_MS;
    const byTopic = new Map<string, string[]>();
    let inactive = 0;
    topics.forEach((topic, i) => {
      const cached = this.followers.get(topic);
      if (!cached) return byTopic.set(topic, []);
      if (!cached.answer || now - cached.answer.at >= ANSWER_REUSE_MS) {
        const uids: string[] = [];
        // A follower whose time has aged out is inactive from now on; their return is logged and read again.
        for (const [uid, activeAt] of cached.active) {
          if (this.isActive(activeAt, graceNow)) uids.push(uid);
          else cached.active.delete(uid);
        }
        cached.answer = { at: now, uids };
      }
      byTopic.set(topic, cached.answer.uids);
      inactive += Math.max(0, counts[i] - cached.answer.uids.length);
    });
    return { byTopic, inactive };
  }

  /** Brings the cached followers of `topics` up to their versions; answers each topic's member count. */
  private async refresh(topics: string[]): Promise<number[]> {
    const { command: client, keys } = this.valkey;
    const pipeline = client.pipeline().get(keys.legacySubscribersVersion);
    const asked = topics.map((topic) => this.followers.get(topic));
    topics.forEach((topic, i) => {
      // Version first, then the members or the changes (one slot: the same node runs them in this order).
      pipeline.hmget(keys.topicSubscribersVersion(topic), 'v', 'floor', 'epoch').scard(keys.topicSubscribers(topic));
      const cached = asked[i];
      if (cached) {
        pipeline.zrange(keys.topicSubscribersChanged(topic), `(${cached.version}`, '+inf', 'BYSCORE', 'WITHSCORES');
      } else pipeline.smembers(keys.topicSubscribers(topic));
    });
    const [legacy, ...replies] = await execOrThrow(pipeline.exec());
    const legacyMoved = this.legacyVersion !== undefined && legacy !== this.legacyVersion;
    // The previous release's api replicas bump the global version (a rolling upgrade): every topic is read again.
    if (legacyMoved) this.followers.clear();
    this.legacyVersion = legacy as string | null;

    const counts: number[] = [];
    const loads: { topic: string; version: number; epoch: string | null; members: string[] }[] = [];
    const changes: { topic: string; version: number; uids: string[] }[] = [];
    const reload: string[] = [];
    topics.forEach((topic, i) => {
      const [v, floor, epoch] = replies[3 * i] as (string | null)[];
      const version = Number(v ?? 0);
      counts.push(Number(replies[3 * i + 1]));
      const cached = asked[i];
      const third = replies[3 * i + 2] as string[];
      if (!cached) {
        loads.push({ topic, version, epoch, members: third });
      } else if (
        legacyMoved ||
        version < cached.version ||
        Number(floor ?? 0) > cached.version ||
        (cached.epoch !== null && epoch !== cached.epoch)
      ) {
        // The log no longer reaches back to the cached version, or the server started over.
        this.followers.delete(topic);
        reload.push(topic);
      } else if (third.length > 0 || version > cached.version) {
        const uids: string[] = [];
        let top = cached.version;
        for (let k = 0; k < third.length; k += 2) {
          uids.push(third[k]);
          top = Math.max(top, Number(third[k + 1]));
        }
        if (top < version) {
          // Moved with no change logged at the new version (a writer that bumps without logging): read it whole.
          this.followers.delete(topic);
          reload.push(topic);
          return;
        }
        if (cached.epoch === null) cached.epoch = epoch;
        changes.push({ topic, version: top, uids });
      }
    });
    if (reload.length > 0) {
      const again = client.pipeline();
      for (const topic of reload) {
        again.hmget(keys.topicSubscribersVersion(topic), 'v', 'epoch').smembers(keys.topicSubscribers(topic));
      }
      const read = await execOrThrow(again.exec());
      reload.forEach((topic, i) => {
        const [v, epoch] = read[2 * i] as (string | null)[];
        loads.push({ topic, version: Number(v ?? 0), epoch, members: read[2 * i + 1] as string[] });
      });
    }
    if (loads.length === 0 && changes.length === 0) return counts;

    // Who of them is active, and (for the changed) who still follows: in bounded calls, in flight together.
    const everyone = new Set<string>();
    for (const { members } of loads) for (const uid of members) everyone.add(uid);
    for (const { uids } of changes) for (const uid of uids) everyone.add(uid);
    const activeAt = await this.activityOf([...everyone]);
    const following = await Promise.all(
      changes.map(async ({ topic, uids }) => {
        const flags: number[] = [];
        for (let from = 0; from < uids.length; from += SCORES_PER_CALL) {
          flags.push(
            ...(await client.smismember(keys.topicSubscribers(topic), ...uids.slice(from, from + SCORES_PER_CALL))),
          );
        }
        return flags;
      }),
    );

    const graceNow = Date.now() - ACTIVITY_REFRESH_MS;
    for (const { topic, version, epoch, members } of loads) {
      const active = new Map<string, number>();
      for (const uid of members) {
        const at = activeAt.get(uid);
        if (at !== undefined && this.isActive(at, graceNow)) active.set(uid, at);
      }
      this.followers.set(topic, { version, epoch, active });
    }
    changes.forEach(({ topic, version, uids }, c) => {
      const cached = this.followers.get(topic)!;
      uids.forEach((uid, i) => {
        const at = activeAt.get(uid);
        if (following[c][i] === 1 && at !== undefined && this.isActive(at, graceNow)) cached.active.set(uid, at);
        else cached.active.delete(uid);
      });
      cached.version = version;
      cached.answer = undefined;
    });
    return counts;
  }

  /** Last activity (ms) of each of `uids` that has one, from `users_active`. */
  private async activityOf(uids: string[]): Promise<Map<string, number>> {
    const { command: client, keys } = this.valkey;
    const activeAt = new Map<string, number>();
    // In bounded calls: one ZMSCORE with 100,000 ids overflows the stack (spread arguments) and holds Valkey long.
    const asks: Promise<void>[] = [];
    for (let from = 0; from < uids.length; from += SCORES_PER_CALL) {
      const ids = uids.slice(from, from + SCORES_PER_CALL);
      asks.push(
        client.zmscore(keys.activeUsers, ...ids).then((scores) =>
          ids.forEach((uid, i) => {
            if (scores[i] !== null) activeAt.set(uid, Number(scores[i]));
          }),
        ),
      );
    }
    await Promise.all(asks);
    return activeAt;
  }

  /**
   * Delivers short ids (oldest first) to each user's feed through `fanout.lua`. Users given the same ids travel as one
   * group (users following the same topics get the same articles), and a call carries several groups up to
   * DELIVERIES_PER_CALL. On a cluster a call holds one node's users (byNode): with far more slots than users per
   * topic set, one call per slot and set would be a call per user. `again` holds the short ids of redelivered articles (fanned
   * out before): one not in a feed's seen set is delivered only if the feed has not turned over past it.
   */
  async deliver(deliveries: Map<string, string[]>, again: ReadonlySet<string> = new Set()): Promise<DeliveryReport> {
    const { keys } = this.valkey;
    const client = this.fanout;
    const calls: FanoutCall[] = [];
    // A call's users share a node on a cluster (its script touches their keys), one group when standalone.
    for (const slot of this.byNode(deliveries)) {
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
    // At most CALLS_IN_FLIGHT calls await replies: with calls per slot (FANOUT_CLUSTER_CALLS=slot) a cluster makes
    // ~16,000 for 100,000 followers, and all of them queued at once outwaited the socket timeout (the connection
    // dropped and resent them).
    // Per primary on a cluster: each server gets as many calls per read as a single one does.
    const servers = this.valkey.clustered
      ? Math.max(1, (this.valkey.command as unknown as Cluster).nodes('master').length)
      : 1;
    const replies = await mapLimit(calls, CALLS_IN_FLIGHT * servers, async (call) => {
      const args: (string | number)[] = [...head];
      for (const { shorts, users } of call.groups) args.push(users.join(','), shorts.length, ...argv(shorts));
      // The first user's feed key routes the call to its node (the script builds the others' keys).
      try {
        return (await FANOUT.run(client, [keys.feed(call.groups[0].users[0])], args)) as number[];
      } catch (error) {
        if (!this.valkey.clustered || !MOVED_AWAY.test((error as Error).message)) throw error;
        return this.deliverBySlot(call, head, argv);
      }
    });
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

  /**
   * The deliveries grouped by the node that owns each user's feed slot, as the cluster client's slot map has it (one
   * group when standalone). fanout.lua (`allow-cross-slot-keys`) may touch keys of several slots of the node it runs
   * on: a call of one node's users carries as many deliveries as on one server, where a call of one slot's users
   * carried ~5 users at 100,000 followers and cluster mode's cost per call showed (bench/cluster.ts).
   */
  private byNode(deliveries: Map<string, string[]>): [string, string[]][][] {
    const { keys } = this.valkey;
    const slots = groupBySlot(deliveries, ([uid]) => keys.feed(uid), this.valkey.clustered);
    if (!this.valkey.clustered || this.config.env.FANOUT_CLUSTER_CALLS === 'slot') return slots;
    const map = (this.valkey.command as unknown as Cluster).slots;
    const nodes = new Map<string, [string, string[]][]>();
    for (const slot of slots) {
      const number = slotOf(keys.feed(slot[0][0]));
      // A slot the map does not place yet is a group of its own (one call, routed by the client).
      const owner = map[number]?.[0] ?? `slot:${number}`;
      const group = nodes.get(owner);
      if (group) group.push(...slot);
      else nodes.set(owner, [...slot]);
    }
    return [...nodes.values()];
  }

  /**
   * A call whose node no longer held all of its users' slots (a slot moved or moving: the script stopped at a key not
   * local), sent again as one call per slot, each routed (and redirected) by the cluster client. What the first try
   * delivered is deduped by the feeds' seen sets. Answers the counts in the call's order.
   */
  private async deliverBySlot(
    call: FanoutCall,
    head: (string | number)[],
    argv: (shorts: string[]) => string[],
  ): Promise<number[]> {
    const { keys } = this.valkey;
    const counts: number[] = [];
    for (const { shorts, users } of call.groups) {
      const sum = new Array<number>(shorts.length).fill(0);
      for (const slot of groupBySlot(users, (uid) => keys.feed(uid), true)) {
        const args = [...head, slot.join(','), shorts.length, ...argv(shorts)];
        const reply = (await FANOUT.run(this.fanout, [keys.feed(slot[0])], args)) as number[];
        reply.forEach((count, i) => (sum[i] += count));
      }
      counts.push(...sum);
    }
    return counts;
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
    // The topics' newest short ids from their append sets: a few bytes each (the streams hold each article's JSON).
    const appended = await Promise.all(topics.map((topic) => client.zrevrange(keys.topicAppended(topic), 0, max - 1)));
    const recent = [...new Set(appended.flat().map(Number))].sort((a, b) => b - a).slice(0, max);
    if (recent.length === 0) return 0;
    const [added] = await execIdempotent(client, [REFILL], (pipeline) =>
      REFILL.queue(pipeline, this.refillKeys(uid), [max, this.ttlSeconds, 0, ...recent.map(String)]),
    );
    return Number(added);
  }

  private refillKeys(uid: string): string[] {
    const { keys } = this.valkey;
    return [keys.feed(uid), keys.feedSeen(uid), keys.feedStream(uid), keys.feedPull(uid)];
  }

  /**
   * Records that fan-out leaves these topics' articles to their readers (before the batch holding them is
   * acknowledged: a reader that sees the batch's articles in a topic stream may not yet know, and reads them next time).
   */
  async markPulled(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const now = Date.now();
    await this.valkey.command.hset(this.valkey.keys.topicsPulled, ...topics.flatMap((topic) => [topic, now]));
    const read = this.pulledRead;
    // This replica's own readers know at once.
    if (read) read.topics = read.topics.then((known) => new Map([...known, ...topics.map((t) => [t, now] as const)]));
  }

  /**
   * The topics whose readers pull them: fan-out left one of their articles to readers within the activity window (a
   * user away longer gets a rebuilt feed when they return). Read at most once per PULLED_REUSE_MS per replica.
   */
  async pulledTopics(now = Date.now()): Promise<Set<string>> {
    if (!this.pulledRead || now - this.pulledRead.at >= PULLED_REUSE_MS) {
      const topics = this.valkey.command
        .hgetall(this.valkey.keys.topicsPulled)
        .then((all) => new Map(Object.entries(all).map(([topic, at]) => [topic, Number(at)])));
      const read = (this.pulledRead = { at: now, topics });
      // A failed read is asked again by the next caller, not reused.
      topics.catch(() => {
        if (this.pulledRead === read) this.pulledRead = undefined;
      });
    }
    const since = this.inactiveBefore(now);
    const pulled = new Set<string>();
    for (const [topic, at] of await this.pulledRead.topics) if (at >= since) pulled.add(topic);
    return pulled;
  }

  /**
   * Brings each user's feed up to the pulled topics they follow: the articles appended to those topic streams after
   * the user's marks (the newest FEED_MAX of a topic with no mark yet), read from `topic_appended` (short ids in append
   * order: a few bytes each, where the stream holds each article's JSON), are merged into the feed in order
   * (feed-refill.lua, which also moves the marks), as fan-out would have delivered them. Users who share a topic and a
   * mark share one read. Answers, per request, the ids added and the marks after it.
   */
  async pull(requests: PullRequest[]): Promise<PullResult[]> {
    const { command: client, keys } = this.valkey;
    const max = this.config.env.FEED_MAX;
    const marks = await Promise.all(
      requests.map(async ({ uid, topics, marks: known }) => {
        if (known || topics.length === 0) return new Map(known);
        const held = await client.hmget(keys.feedPull(uid), ...topics);
        const marks = new Map<string, string>();
        topics.forEach((topic, i) => held[i] && marks.set(topic, held[i]));
        return marks;
      }),
    );
    // One read per topic and mark: the newest FEED_MAX short ids appended after the mark, with their scores.
    const reads = new Map<string, Promise<string[]>>();
    const readOf = (topic: string, mark: string | undefined): Promise<string[]> => {
      const key = `${topic}\n${mark ?? ''}`;
      let read = reads.get(key);
      if (!read) {
        const end = mark ? `(${mark}` : '-inf';
        read = client.zrevrangebyscore(keys.topicAppended(topic), '+inf', end, 'WITHSCORES', 'LIMIT', 0, max);
        reads.set(key, read);
      }
      return read;
    };
    const results: PullResult[] = requests.map((_, i) => ({ added: 0, marks: marks[i] }));
    const calls: { uid: string; pairs: string[]; shorts: string[]; result: PullResult }[] = [];
    await Promise.all(
      requests.map(async ({ uid, topics }, i) => {
        const ranges = await Promise.all(topics.map((topic) => readOf(topic, marks[i].get(topic))));
        const pairs: string[] = [];
        const shorts = new Set<number>();
        ranges.forEach((range, t) => {
          if (range.length === 0) return;
          // Newest first: the first score is how far this read reached.
          pairs.push(topics[t], range[1]);
          for (let k = 0; k < range.length; k += 2) shorts.add(Number(range[k]));
        });
        if (pairs.length === 0) return;
        const newest = [...shorts]
          .sort((a, b) => b - a)
          .slice(0, max)
          .map(String);
        calls.push({ uid, pairs, shorts: newest, result: results[i] });
      }),
    );
    await mapLimit(calls, PULLS_IN_FLIGHT, async ({ uid, pairs, shorts, result }) => {
      const added = await REFILL.run(client, this.refillKeys(uid), [
        max,
        this.ttlSeconds,
        pairs.length / 2,
        ...pairs,
        ...shorts,
      ]);
      result.added = Number(added);
      for (let p = 0; p < pairs.length; p += 2) result.marks.set(pairs[p], pairs[p + 1]);
    });
    return results;
  }
}

function fieldValue(flat: string[], name: string): string {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
  return '';
}
