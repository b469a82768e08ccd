import { sameSlot } from './slots.js';

/**
 * Every Valkey key name Skein uses, built in one place. Per-user keys keep literal braces around the user id
 * (`feed:{42}`) so that the keys of one user share a hash slot on a Valkey Cluster.
 */
export class Keys {
  constructor(readonly prefix = '') {}

  private key(name: string): string {
    return this.prefix + name;
  }

  // News pipeline streams
  get newsRaw(): string {
    return this.key('news_raw');
  }
  /**
   * The streams ingest spreads articles over (NEWS_RAW_PARTITIONS): `news_raw` first (raw producers write it too),
   * then `news_raw:{p1}`, `news_raw:{p2}`..., each hash-tagged into a slot of its own (on a 3-primary cluster, p1 and
   * p2 land on the two primaries that do not hold news_raw).
   */
  newsRawPartitions(count: number): string[] {
    return Array.from({ length: count }, (_, p) => (p === 0 ? this.newsRaw : this.key(`news_raw:{p${p}}`)));
  }
  get classifiedStream(): string {
    return this.key('classified_stream');
  }
  get enrichedStream(): string {
    return this.key('enriched_stream');
  }
  topicStream(topic: string): string {
    return this.key(`topic:${topic}`);
  }
  /**
   * Sorted set of the short ids appended to a topic stream lately, in its slot (`topic_appended:{topic:<topic>}`),
   * scored in append order (topic-append.lua): makes the append idempotent although the article's own record is in
   * another slot, and is what feed rebuilds and pulls read.
   */
  topicAppended(topic: string): string {
    return sameSlot(this.topicStream(topic), this.key('topic_appended:'));
  }
  article(id: string): string {
    return this.key(`article:${id}`);
  }
  /** Counter handing out each article's short numeric id (what feeds store). */
  get articleSeq(): string {
    return this.key('article_seq');
  }
  /** Hash from short id to article id, one per block of short ids (kept small enough for listpack encoding). */
  articleRef(block: number): string {
    return this.key(`article_ref:${block}`);
  }
  /**
   * Ids of articles accepted over REST or from a feed (dedupe of the same id offered twice): in the slot of the
   * partition the id is appended to (`article_accepted:{news_raw}:{id}`, `article_accepted:{p1}:{id}`...), since
   * ingest.lua sets the mark and appends to the stream in one script. An id always hashes to the same partition.
   */
  articleAccepted(id: string, stream = this.newsRaw): string {
    return `${sameSlot(stream, this.key('article_accepted:'))}:${id}`;
  }
  /** The mark's name before it shared `news_raw`'s slot; read (standalone only) until ARTICLE_TTL_DAYS have passed. */
  legacyArticleAccepted(id: string): string {
    return this.key(`article_accepted:${id}`);
  }

  // Per-user keys (hash-tagged by user id)
  feed(uid: string): string {
    return this.key(`feed:{${uid}}`);
  }
  feedSeen(uid: string): string {
    return this.key(`feed_seen:{${uid}}`);
  }
  feedStream(uid: string): string {
    return this.key(`feed_stream:{${uid}}`);
  }
  /**
   * Hash of the topic stream entry id each topic that fan-out leaves to its readers (see topicsPulled) was read up to
   * for this user's feed.
   */
  feedPull(uid: string): string {
    return this.key(`feed_pull:{${uid}}`);
  }
  /**
   * The names of `feed`, `feedSeen` and `feedStream` up to the user id: a script that builds one user's keys appends
   * `uid}` to each (fanout.lua, which takes many users in one argument).
   */
  get userKeyHeads(): [string, string, string] {
    const head = (name: string): string => name.slice(0, -1);
    return [head(this.feed('')), head(this.feedSeen('')), head(this.feedStream(''))];
  }
  user(uid: string): string {
    return this.key(`user:{${uid}}`);
  }
  /** Set of user ids subscribed to a topic. */
  topicSubscribers(topic: string): string {
    return this.key(`topic_subscribers:${topic}`);
  }
  /**
   * Hash of the topics fan-out left to their readers (too many active followers to push to each, see
   * FANOUT_PULL_THRESHOLD) → when it last did (ms): a feed read brings those topics' new articles into the feed.
   */
  get topicsPulled(): string {
    return this.key('topics_pulled');
  }
  /** Sorted set of user ids scored by last activity (ms). */
  get activeUsers(): string {
    return this.key('users_active');
  }

  /**
   * Hash of one topic's follower version (`v`, bumped by every change to who follows it or who of them is active), the
   * oldest version its change log still covers (`floor`) and an `epoch` set when it is created (a flushed server starts
   * over): `subscribers_version:{topic_subscribers:<topic>}`, in the slot of the topic's subscriber set.
   */
  topicSubscribersVersion(topic: string): string {
    return sameSlot(this.topicSubscribers(topic), this.key('subscribers_version:'));
  }
  /**
   * Sorted set of the user ids whose following or activity changed, scored by the topic's version at their latest
   * change (capped): fan-out re-reads only them. `subscribers_changed:{topic_subscribers:<topic>}`, the set's slot.
   */
  topicSubscribersChanged(topic: string): string {
    return sameSlot(this.topicSubscribers(topic), this.key('subscribers_changed:'));
  }
  /**
   * The global version before it was kept per topic: still read by fan-out (a move reloads every topic), so an api
   * replica of the previous release that bumps it during a rolling upgrade is heard. Never written.
   */
  get legacySubscribersVersion(): string {
    return this.key('subscribers_version');
  }

  // Stream engine
  deadLetter(stage: string): string {
    return this.key(`dlq:${stage}`);
  }
  /**
   * Set (expiring) once entry `id` of `stream` (prefixed) was written to `dlq:{stage}`: in the dead-letter stream's slot
   * (its hash tag is that key, prefix included), so a retry after a failed acknowledgement does not write it twice.
   */
  deadLetterWritten(stage: string, stream: string, id: string): string {
    return this.key(`${sameSlot(this.deadLetter(stage), 'dlq_written:')}:${this.unprefixed(stream)}:${id}`);
  }
  /** Held (expiring) while dead letter `id` of `dlq:{stage}` is being replayed; in that stream's slot. */
  deadLetterReplaying(stage: string, id: string): string {
    return this.key(`${sameSlot(this.deadLetter(stage), 'dlq_replaying:')}:${id}`);
  }
  /** `stream` is the prefixed stream key; the prefix is not repeated inside the lease key. */
  consumerLease(stream: string, group: string, consumer: string): string {
    return this.key(`consumer_lease:${this.unprefixed(stream)}:${group}:${consumer}`);
  }

  // Feature store
  featureStream(view: string): string {
    return this.key(`fs:stream:${view}`);
  }
  featureRow(view: string, entityId: string): string {
    return this.key(`fs:v1:${view}:${entityId}`);
  }
  featureRowPattern(view: string): string {
    return this.key(`fs:v1:${view}:*`);
  }
  get featureEntities(): string {
    return this.key('fs:registry:entities');
  }
  get featureViews(): string {
    return this.key('fs:registry:views');
  }
  get featureServices(): string {
    return this.key('fs:registry:services');
  }
  /**
   * Set of entity ids materialized for a view (lets delete remove a view's rows without a keyspace scan); pruned of
   * rows that expired every FEATURE_INDEX_PRUNE_INTERVAL_MS.
   */
  featureViewIndex(view: string): string {
    return this.key(`fs:index:${view}`);
  }
  /**
   * On a Valkey Cluster a view's index is one set per hash slot, in the slot of the rows it lists (`tag` hashes to that
   * slot), so a row and its index entry are written in one script: `fs:index:{view}:{tag}`.
   */
  featureViewSlotIndex(view: string, tag: string): string {
    return this.key(`fs:index:${view}:{${tag}}`);
  }
  /** On a Valkey Cluster, the tags of the slots that hold a per-slot index of a view (added before the rows). */
  featureViewIndexSlots(view: string): string {
    return this.key(`fs:index_slots:${view}`);
  }
  /** Held by the one `features` replica pruning the views' indexes of expired rows in a round (SET NX PX). */
  get featureIndexPruneLock(): string {
    return this.key('fs:index_prune');
  }
  get featureRegistryChannel(): string {
    return this.key('fs:registry:changed');
  }

  // LLM token streams (one stream's log and meta share the hash tag `{id}`: one slot for its scripts)
  /** Pub/Sub channel of a stream (the contract: id substituted, no braces), published cluster-wide by PUBLISH. */
  llmChannel(id: string): string {
    return this.key(`llm:stream:${id}`);
  }
  llmLog(id: string): string {
    return this.key(`llm:log:{${id}}`);
  }
  llmMeta(id: string): string {
    return this.key(`llm:meta:{${id}}`);
  }
  /** Where a captured stream (an outside publisher's, see StreamCapture) is republished, numbered as its log. */
  llmCaptureChannel(id: string): string {
    return this.key(`llm:capture:${id}`);
  }
  get llmRequests(): string {
    return this.key('llm:requests');
  }
  /** Pub/Sub channel for cancellations, heard by every `llm` replica. */
  get llmControl(): string {
    return this.key('llm:control');
  }

  // Identity and access (each family shares a hash tag: one slot for its scripts and transactions)
  /** Hash: SHA-256 of an API key -> the key's record (JSON); what a request's key is looked up by. */
  get apiKeysByHash(): string {
    return this.key('auth:{keys}:by_hash');
  }
  /** Hash: API key id -> the SHA-256 it is stored under (listing and revocation by id). */
  get apiKeysById(): string {
    return this.key('auth:{keys}:by_id');
  }
  /** Pub/Sub channel: an API key was revoked; every replica drops what it cached. */
  get apiKeysChanged(): string {
    return this.key('auth:keys:changed');
  }
  /** Hash: signing key id (`kid`) -> secret of user and viewer tokens, plus `current`: the kid new tokens use. */
  get tokenSigningKeys(): string {
    return this.key('auth:signing_keys');
  }
  /** Prefix of the per-credential budgets (RequestBudget appends `:{name}:{budget}`: one count per window). */
  get rateLimits(): string {
    return this.key('rate');
  }
  /** Sorted set of one credential's open SSE connections, scored by when each lease expires. */
  sseLeases(budget: string): string {
    return this.key(`sse:{${budget}}`);
  }

  // Socket.IO adapter
  get socketAdapterStream(): string {
    return this.key('socket.io');
  }
  /** Prefix of the adapter's Pub/Sub channels (`{prefix}#{namespace}#`), so two prefixes never hear each other. */
  get socketAdapterChannels(): string {
    return this.key('socket.io');
  }

  /** Strips the prefix from a key read back from Valkey. */
  /** A key recorded without the prefix (a dead letter's `dlq_stream`), with the prefix back. */
  prefixed(name: string): string {
    return this.key(name);
  }
  unprefixed(key: string): string {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : key;
  }
}
