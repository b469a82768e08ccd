import type { Valkey } from 'iovalkey';

/** Short ids per `article_ref` block, as ArticleRepository keeps them. */
const REF_BLOCK = 64;

/**
 * Delivers an article to users' feeds as fan-out does, through the keys (DESIGN.md's per-user keys, and the
 * article with its short id as ArticleRepository stores it), without a fanout worker: what a feeds suite uses on a
 * cluster until fan-out runs there. `data` is an enriched article's JSON (see enriched.ts).
 */
export async function deliverThroughKeys(client: Valkey, users: string[], data: string): Promise<void> {
  const { id } = JSON.parse(data) as { id: string };
  const short = String(await client.incr('article_seq'));
  await client.hset(`article:${id}`, 'n', short, 'a', data, 't', '1');
  await client.hset(`article_ref:${Math.floor(Number(short) / REF_BLOCK)}`, short, id);
  for (const uid of users) {
    await client.sadd(`feed_seen:{${uid}}`, short);
    await client.lpush(`feed:{${uid}}`, short);
    await client.xadd(`feed_stream:{${uid}}`, '*', 'id', short);
  }
}
