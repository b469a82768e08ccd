import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';
import { LuaScript } from '../valkey/lua-script.js';
import { execIdempotent, execOrThrow } from '../valkey/pipeline.js';
import { ValkeyService } from '../valkey/valkey.service.js';
import type { FeedArticle } from './feed-article.js';

const STORE = LuaScript.from(new URL('./article.lua', import.meta.url));
const APPEND = LuaScript.from(new URL('./topic-append.lua', import.meta.url));
/**
 * Short ids per topic remembered as appended (topic_appended:{topic:<topic>}; FEED_MAX if more): a batch redelivered
 * after a failure between the append and the article's `t` mark comes back long before this many more articles reach
 * one topic, and a feed's rebuild or pull reads up to FEED_MAX of a topic's newest from it.
 */
const APPENDED_KEPT = 1000;
/** Short ids per `article_ref:{block}` hash: small enough for listpack encoding. */
const REF_BLOCK = 64;
const REF_CACHE_MAX = 100000;

export interface StoredArticle {
  article: FeedArticle;
  /** The article's short numeric id: what feeds, seen sets and feed streams hold. */
  short: string;
  /** Stored and appended to its topic stream before this call: a redelivery, fanned out (at least in part) already. */
  again: boolean;
}

/**
 * Articles stored once in `article:{id}` (fields `n` short id, `a` JSON, `t` on its topic stream), each with a
 * short numeric id so that a feed entry costs a few bytes (listpack/intset integers) instead of a full id.
 */
@Injectable()
export class ArticleRepository {
  /** Short id → article id, checked on use (the mapping changes only if Valkey loses its data). */
  private readonly refs = new Map<string, string>();

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Stores each article (the first write wins), indexes its short id and appends it to `topic:{topic}` once.
   * Idempotent: a redelivered article keeps its short id and is not appended twice.
   */
  async store(articles: FeedArticle[]): Promise<StoredArticle[]> {
    if (articles.length === 0) return [];
    const { command: client, keys } = this.valkey;
    const env = this.config.env;
    const ttl = env.ARTICLE_TTL_DAYS * 86400;
    const last = await client.incrby(keys.articleSeq, articles.length);
    const first = last - articles.length + 1;
    const now = Date.now();
    const json = articles.map((article) => JSON.stringify({ ...article, stages: { ...article.stages, fanout: now } }));
    const stored = (await execIdempotent(client, [STORE], (pipeline) =>
      articles.forEach((article, i) => STORE.queue(pipeline, [keys.article(article.id)], [first + i, json[i], ttl])),
    )) as [number, number][];
    // The refs and the topic appends touch other slots than the articles: separate steps, each idempotent (a ref is
    // set to the same value again; an append is made once per short id, see topic-append.lua), and `t` is marked only
    // after the append succeeded, so a failure in between redelivers the batch and loses nothing.
    const fresh = articles.flatMap((article, i) => (stored[i][1] ? [] : [i]));
    // The refs before the appends: once a short id is in topic_appended a reader may pull it into a feed and hydrate it
    // at once (a pulled topic), and a cluster runs one pipeline's commands on their nodes in no order between nodes.
    const refs = client.pipeline();
    articles.forEach((article, i) => {
      const block = keys.articleRef(Math.floor(stored[i][0] / REF_BLOCK));
      refs.hset(block, String(stored[i][0]), article.id).expire(block, ttl);
    });
    await execOrThrow(refs.exec());
    await execIdempotent(client, [APPEND], (pipeline) => {
      for (const i of fresh) {
        const topic = articles[i].topic;
        APPEND.queue(
          pipeline,
          [keys.topicStream(topic), keys.topicAppended(topic)],
          [env.TOPIC_STREAM_MAXLEN, stored[i][0], json[i], Math.max(APPENDED_KEPT, env.FEED_MAX)],
        );
      }
    });
    if (fresh.length > 0) {
      const pipeline = client.pipeline();
      for (const i of fresh) pipeline.hset(keys.article(articles[i].id), 't', '1');
      await execOrThrow(pipeline.exec());
    }
    return articles.map((article, i) => {
      this.remember(String(stored[i][0]), article.id);
      return { article, short: String(stored[i][0]), again: stored[i][1] === 1 };
    });
  }

  async byId(id: string): Promise<FeedArticle | undefined> {
    const json = await this.valkey.command.hget(this.valkey.keys.article(id), 'a');
    return json ? (JSON.parse(json) as FeedArticle) : undefined;
  }

  /**
   * Articles for short ids, in order (undefined where expired): ids from cache or one pipeline, then one pipeline.
   * Each article's stored short id is checked against the one asked for: if Valkey lost its data (a flush, a restore),
   * short ids are handed out again from 1 and a cached mapping is stale; those are dropped and resolved afresh.
   */
  async byShortIds(shorts: string[], uncached = false): Promise<(FeedArticle | undefined)[]> {
    if (shorts.length === 0) return [];
    const { command: client, keys } = this.valkey;
    if (uncached) for (const short of shorts) this.refs.delete(short);
    const missing = new Set(shorts.filter((short) => !this.refs.has(short)));
    if (missing.size > 0) {
      const pipeline = client.pipeline();
      for (const short of missing) pipeline.hget(keys.articleRef(Math.floor(Number(short) / REF_BLOCK)), short);
      const replies = (await pipeline.exec()) ?? [];
      [...missing].forEach((short, i) => {
        const [error, id] = replies[i] ?? [];
        if (!error && typeof id === 'string') this.remember(short, id);
      });
    }
    const ids = shorts.map((short) => this.refs.get(short));
    const pipeline = client.pipeline();
    for (const id of ids) if (id !== undefined) pipeline.hmget(keys.article(id), 'n', 'a');
    const replies = (await pipeline.exec()) ?? [];
    let at = 0;
    // Cached mappings to check again (those just read from Valkey are current).
    const stale: number[] = [];
    const articles = ids.map((id, i) => {
      if (id === undefined) return undefined;
      const [error, reply] = replies[at++] ?? [];
      const [short, json] = (error ? [] : reply) as (string | null)[];
      // Another short id, or no article (expired, or lost with a flush): ask Valkey for the mapping again, once.
      if (short !== shorts[i] && !missing.has(shorts[i])) stale.push(i);
      return short === shorts[i] && typeof json === 'string' ? (JSON.parse(json) as FeedArticle) : undefined;
    });
    if (stale.length > 0) {
      const again = await this.byShortIds(
        stale.map((i) => shorts[i]),
        true,
      );
      stale.forEach((i, k) => (articles[i] = again[k]));
    }
    return articles;
  }

  private remember(short: string, id: string): void {
    if (this.refs.size >= REF_CACHE_MAX) this.refs.delete(this.refs.keys().next().value as string);
    this.refs.set(short, id);
  }
}
