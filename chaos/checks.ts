// The invariants, read from outside once the system has settled: what Valkey holds and what the API answers.
import type { Valkey } from 'iovalkey';
import { simulatedAnswer } from '../src/modules/llm-stream/providers/simulated.provider.js';
import { Keys } from '../src/valkey/keys.js';
import { fieldsOf, http } from './cluster.js';
import { FEATURE_VIEW, type LlmRequest } from './workload.js';

/** Short ids per `article_ref:{block}` hash (src/news/article.repository.ts). */
const REF_BLOCK = 64;

/** The pipeline's consumer groups, by input stream. */
export const GROUPS: [string, string][] = [
  ['news_raw', 'classifiers'],
  ['classified_stream', 'enrichers'],
  ['enriched_stream', 'fanout_workers'],
  [`fs:stream:${FEATURE_VIEW}`, 'feature_writers'],
  ['llm:requests', 'llm_workers'],
];
export const DLQ_STAGES = ['classify', 'enrich', 'fanout', 'features', 'llm'];

export interface FeedCheck {
  uid: string;
  source: string;
  expected: number;
  lost: string[];
  duplicated: { id: string; times: number }[];
  unexpected: string[];
}

/** Article id for each short id (HGET article_ref:{block}); an unmapped short id is answered as `#short`. */
async function articleIds(client: Valkey, shorts: string[]): Promise<string[]> {
  const pipeline = client.pipeline();
  for (const short of shorts) pipeline.hget(`article_ref:${Math.floor(Number(short) / REF_BLOCK)}`, short);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([, id], i) => (typeof id === 'string' ? id : `#${shorts[i]}`));
}

function compare(
  uid: string,
  source: string,
  seen: string[],
  expected: Set<string>,
  mayAppear: Set<string>,
  onlyPrefix: string,
): FeedCheck {
  const counts = new Map<string, number>();
  for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    uid,
    source,
    expected: expected.size,
    lost: [...expected].filter((id) => !counts.has(id)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([id, times]) => ({ id, times })),
    unexpected: [...counts.keys()].filter(
      (id) => !expected.has(id) && !mayAppear.has(id) && (id.startsWith(onlyPrefix) || id.startsWith('#')),
    ),
  };
}

/**
 * Every expected article in the user's feed exactly once, read three ways: the `feed:{uid}` list, the
 * `feed_stream:{uid}` stream (what live pushes and resumes read), and `GET /users/{uid}/feed` page by page.
 */
export async function checkFeed(
  client: Valkey,
  api: string,
  uid: string,
  expected: Set<string>,
  mayAppear: Set<string>,
  prefix: string,
): Promise<FeedCheck[]> {
  const list = await articleIds(client, await client.lrange(`feed:{${uid}}`, 0, -1));
  const stream = (await client.xrange(`feed_stream:{${uid}}`, '-', '+')) as [string, string[]][];
  const streamed = await articleIds(
    client,
    stream.map(([, flat]) => fieldsOf(flat).id),
  );
  const paged: string[] = [];
  let before: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await http<{ items: { id: string }[]; next_before?: string }>(
      `${api}/users/${uid}/feed?limit=1000${before ? `&before=${before}` : ''}`,
    );
    if (res.status !== 200) throw new Error(`GET /users/${uid}/feed answered ${res.status}`);
    paged.push(...res.body.items.map((item) => item.id));
    before = res.body.next_before;
    if (!before) break;
  }
  return [
    compare(uid, `feed:{${uid}}`, list, expected, mayAppear, prefix),
    compare(uid, `feed_stream:{${uid}}`, streamed, expected, mayAppear, prefix),
    compare(uid, `GET /users/${uid}/feed`, paged, expected, mayAppear, prefix),
  ];
}

/** Accepted articles classified into `topic`, from their stored `article:{id}` hashes (field `a`, the JSON). */
export async function acceptedWithTopic(client: Valkey, ids: string[], topic: string): Promise<Set<string>> {
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hget(`article:${id}`, 'a');
  const replies = (await pipeline.exec()) ?? [];
  return new Set(
    ids.filter((_, i) => {
      const json = replies[i][1];
      return typeof json === 'string' && (JSON.parse(json) as { topic?: string }).topic === topic;
    }),
  );
}

export interface PendingLeft {
  stream: string;
  group: string;
  pending: number;
  lag: number | null;
}

/** Groups with entries pending (delivered, never acknowledged) or not yet delivered. */
export async function pendingLeft(client: Valkey): Promise<PendingLeft[]> {
  const left: PendingLeft[] = [];
  for (const [stream, group] of GROUPS) {
    if (!(await client.exists(stream))) continue;
    const groups = (await client.xinfo('GROUPS', stream)) as unknown[][];
    for (const raw of groups) {
      const info = fieldsOf(raw.map(String));
      if (info.name !== group) continue;
      const pending = Number(info.pending);
      const lag = info.lag === '' || info.lag === undefined ? null : Number(info.lag);
      if (pending > 0 || (lag ?? 0) > 0) left.push({ stream, group, pending, lag });
    }
  }
  return left;
}

export interface DeadLetter {
  stage: string;
  id: string;
  error: string;
  /** The article id or token-stream id the entry carried, when it had one. */
  subject: string;
}

export async function deadLetters(client: Valkey): Promise<DeadLetter[]> {
  const all: DeadLetter[] = [];
  for (const stage of DLQ_STAGES) {
    const entries = (await client.xrange(`dlq:${stage}`, '-', '+')) as [string, string[]][];
    for (const [, flat] of entries) {
      const f = fieldsOf(flat);
      let subject = f.id ?? f.request_id ?? f.entity_id ?? '';
      if (!subject && f.data) subject = (JSON.parse(f.data) as { id?: string }).id ?? '';
      if (!subject && f.request) subject = (JSON.parse(f.request) as { id?: string }).id ?? '';
      all.push({ stage, id: f.dlq_id, error: f.dlq_error, subject });
    }
  }
  return all;
}

export interface LlmCheck {
  id: string;
  status: string;
  tokens: number;
  /** Time of the log's last message (ms epoch). */
  lastAt: number;
  /** Empty when the log holds indexes 0..n-1 once each, n = max_tokens, and the expected text. */
  problems: string[];
}

/** A stream's log: contiguous token indexes from 0, each once, ending with `end` for all of them, the expected text. */
export async function checkLlm(client: Valkey, request: LlmRequest, expectDone: boolean): Promise<LlmCheck> {
  const keys = new Keys();
  const meta = await client.hgetall(keys.llmMeta(request.id));
  const log = (await client.xrange(keys.llmLog(request.id), '-', '+')) as [string, string[]][];
  const messages = log.map(
    ([, flat]) => JSON.parse(fieldsOf(flat).m) as { type: string; index?: number; content?: string; timestamp: number },
  );
  const tokens = messages.filter((m) => m.type === 'token');
  const problems: string[] = [];
  tokens.forEach((t, i) => {
    if (t.index !== i) problems.push(`token ${i} of the log has index ${t.index}`);
  });
  const last = messages[messages.length - 1];
  if (expectDone) {
    if (meta.status !== 'done')
      problems.push(`status ${meta.status ?? '(none)'}${meta.error ? `: ${meta.error}` : ''}`);
    if (last?.type !== 'end') problems.push(`the log ends with ${last?.type ?? 'nothing'}, not end`);
    if (tokens.length !== request.maxTokens) problems.push(`${tokens.length} tokens, ${request.maxTokens} asked`);
    const text = tokens.map((t) => t.content).join('');
    const want = simulatedAnswer(request.prompt, request.maxTokens, '\nsimulated-1').join('');
    if (problems.length === 0 && text !== want) problems.push('the text differs from the provider answer');
  } else if (meta.status !== 'error') {
    problems.push(`status ${meta.status ?? '(none)'}, error expected (dead-lettered request)`);
  }
  return {
    id: request.id,
    status: meta.status ?? '(none)',
    tokens: tokens.length,
    // Message timestamps are epoch seconds; lastAt is in ms, as the run's clock.
    lastAt: (last?.timestamp ?? 0) * 1000,
    problems: problems.slice(0, 5),
  };
}

export interface FeatureCheck {
  entity: string;
  expected: number;
  stored: string | null;
  served: unknown;
}

/** Each entity's row holds the newest accepted value, in Valkey and in an online read. */
export async function checkFeatures(client: Valkey, api: string, newest: Map<string, number>): Promise<FeatureCheck[]> {
  const entities = [...newest.keys()];
  const read = await http<{ results: { values: unknown[] }[] }>(`${api}/features/get-online-features`, {
    body: { features: [`${FEATURE_VIEW}:n`], entities: { user_id: entities } },
  });
  const served = read.status === 200 ? read.body.results[1].values : [];
  const wrong: FeatureCheck[] = [];
  for (const [i, entity] of entities.entries()) {
    const expected = newest.get(entity)!;
    const stored = await client.hget(`fs:v1:${FEATURE_VIEW}:${entity}`, 'n');
    if (stored !== String(expected) || served[i] !== expected)
      wrong.push({ entity, expected, stored, served: served[i] });
  }
  return wrong;
}
