import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Valkey } from 'iovalkey';
import { readFileSync } from 'node:fs';
import { Keys } from '../src/valkey/keys.js';
import { seededRandom } from '../src/common/seeded-random.js';
import { TestValkey } from './support/valkey.js';

const keys = new Keys('');
const SCRIPT = readFileSync(new URL('../src/news/fanout.lua', import.meta.url), 'utf8');
const TTL = 3600;

/** What one fanout.lua call must leave for one user: each id in order, added once, the list trimmed at the end. */
function model(max: number, feed: string[], shorts: string[]): { counts: number[]; feed: string[] } {
  const slack = Math.max(1, Math.floor(max / 8));
  const list = [...feed]; // newest first
  const counts = shorts.map((marked) => {
    const short = marked.replace(/^r/, '');
    if (list.includes(short)) return 0;
    // A redelivered id older than a full feed's tail was trimmed off (or would sit past the cap): not put back.
    if (marked.startsWith('r') && list.length >= max && Number(short) < Number(list[list.length - 1])) return 0;
    list.unshift(short);
    return 1;
  });
  if (list.length > max + slack) list.length = max;
  return { counts, feed: list };
}

/**
 * fanout.lua takes a user's several short ids at once (one SMISMEMBER, SADD and LPUSH for them; an XADD each) and one
 * id alone (SADD, LPUSH, XADD): both must leave what adding the ids one at a time in order would, in every case the
 * script distinguishes (new, already seen, repeated in the call, redelivered into a full or an empty feed, older or
 * newer than its tail, trimmed past the cap), with the seen set and the stream in step with the list.
 */
describe("fanout.lua against a model of one user's feed", () => {
  let valkey: TestValkey;
  let client: Valkey;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = new Valkey(valkey.url);
  });

  afterAll(async () => {
    client?.disconnect();
    await valkey?.stop();
  });

  const run = (max: number, uid: string, shorts: string[]): Promise<number[]> =>
    client.eval(SCRIPT, 1, keys.feed(uid), max, TTL, ...keys.userKeyHeads, uid, shorts.length, ...shorts) as Promise<
      number[]
    >;

  it('over 500 random feeds and id lists, one id or several a call', async () => {
    const next = seededRandom(18);
    const random = { int: (n: number): number => Math.floor(next() * n) };
    for (let round = 0; round < 500; round++) {
      const max = 2 + random.int(8);
      const length = random.int(max + Math.max(1, Math.floor(max / 8)) + 1);
      const start = 100 + random.int(20);
      // Ids in fan-out order (growing, with gaps), oldest first.
      const ids: string[] = [];
      for (let id = start; ids.length < length; id += 1 + random.int(2)) ids.push(String(id));
      const shorts: string[] = [];
      for (let k = round % 4 === 0 ? 1 : 2 + random.int(7); k > 0; k--) {
        const pick = random.int(5);
        const id =
          pick === 0 && ids.length > 0
            ? ids[random.int(ids.length)] // already in the feed
            : pick === 1
              ? String(start - 1 - random.int(10)) // older than anything in the feed
              : pick === 2 && shorts.length > 0
                ? shorts[random.int(shorts.length)].replace('r', '') // repeated in this call
                : String(200 + random.int(100)); // newer
        shorts.push(`${random.int(2) === 0 ? 'r' : ''}${id}`);
      }
      const uid = `u${round}`;
      for (const id of ids) {
        await client.lpush(keys.feed(uid), id);
        await client.sadd(keys.feedSeen(uid), id);
        await client.xadd(keys.feedStream(uid), '*', 'id', id);
      }
      const counts = await run(max, uid, shorts);
      const want = model(max, [...ids].reverse(), shorts);
      const stream = await client.xrange(keys.feedStream(uid), '-', '+');
      const context = JSON.stringify({ max, ids, shorts });
      expect({ context, counts, feed: await client.lrange(keys.feed(uid), 0, -1) }).toEqual({ context, ...want });
      expect({ context, seen: (await client.smembers(keys.feedSeen(uid))).sort() }).toEqual({
        context,
        seen: [...want.feed].sort(),
      });
      expect({ context, stream: stream.map(([, fields]) => fields[1]) }).toEqual({
        context,
        stream: [...want.feed].reverse(),
      });
      // A feed created by this call expires; one that existed keeps what it had (no TTL here).
      const ttl = await client.ttl(keys.feed(uid));
      expect({ context, expires: ttl > 0 }).toEqual({ context, expires: ids.length === 0 && want.feed.length > 0 });
    }
  });
});
