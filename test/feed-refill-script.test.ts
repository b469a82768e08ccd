import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Valkey } from 'iovalkey';
import { readFileSync } from 'node:fs';
import { Keys } from '../src/valkey/keys.js';
import { seededRandom } from '../src/common/seeded-random.js';
import { TestValkey } from './support/valkey.js';

const keys = new Keys('');
const SCRIPT = readFileSync(new URL('../src/news/feed-refill.lua', import.meta.url), 'utf8');
const TTL = 3600;

/**
 * What a refill must leave: the newest `max` of the feed's ids and the given ones, newest first, and the ids it added.
 */
function model(max: number, feed: number[], given: number[]): { feed: string[]; added: string[] } {
  const held = new Set(feed);
  const union = [...new Set([...feed, ...given])].sort((a, b) => b - a).slice(0, max);
  const added = union.filter((n) => !held.has(n)).reverse(); // oldest first, as the stream gets them
  // Nothing to add: the feed is left as it was (fan-out's slack past the cap included).
  if (added.length === 0) return { feed: feed.map(String), added: [] };
  return { feed: union.map(String), added: added.map(String) };
}

/**
 * feed-refill.lua (a rebuild, a change of topics, a read of a pulled topic) has two ways of adding ids: on top when all
 * of them are newer than the feed's head (what a pull mostly brings), and a merge otherwise. Both must leave the model's
 * feed, with the seen set and the feed stream in step; and a topic's mark only ever moves forward.
 */
describe('feed-refill.lua against a model of one feed', () => {
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

  const userKeys = (uid: string): string[] => [
    keys.feed(uid),
    keys.feedSeen(uid),
    keys.feedStream(uid),
    keys.feedPull(uid),
  ];
  const run = (uid: string, max: number, marks: string[], shorts: number[]): Promise<number> =>
    client.eval(SCRIPT, 4, ...userKeys(uid), max, TTL, marks.length / 2, ...marks, ...shorts) as Promise<number>;

  it('over 500 random feeds and id lists (newer than the head, older, interleaved, repeated, past the cap)', async () => {
    const next = seededRandom(20);
    const int = (n: number): number => Math.floor(next() * n);
    let fastPath = 0;
    for (let round = 0; round < 500; round++) {
      const uid = `r${round}`;
      const max = 2 + int(8);
      // A feed as fan-out leaves it: distinct ids, newest first, up to an eighth past the cap.
      const pool = Array.from({ length: 40 }, (_, i) => 100 + 2 * i + int(2));
      const feed = [...new Set(Array.from({ length: int(max + 2) }, () => pool[int(20)]))].sort((a, b) => b - a);
      const given = Array.from({ length: int(2 * max + 1) }, () => pool[int(40)]).sort((a, b) => b - a);
      if (feed.length > 0) {
        await client.rpush(keys.feed(uid), ...feed);
        await client.sadd(keys.feedSeen(uid), ...feed);
        for (const n of [...feed].reverse()) await client.xadd(keys.feedStream(uid), '*', 'id', String(n));
      }
      if (given.length > 0 && given.every((n) => feed.length === 0 || n > feed[0])) fastPath++;
      const expected = model(max, feed, given);
      const added = await run(uid, max, [], given);
      const label = JSON.stringify({ max, feed, given });
      expect({ label, added }).toEqual({ label, added: expected.added.length });
      expect({ label, feed: await client.lrange(keys.feed(uid), 0, -1) }).toEqual({ label, feed: expected.feed });
      // Nothing added, nothing changed (the list stays as fan-out left it).
      if (expected.added.length === 0) continue;
      expect({ label, seen: (await client.smembers(keys.feedSeen(uid))).sort() }).toEqual({
        label,
        seen: [...expected.feed].sort(),
      });
      const stream = (await client.xrange(keys.feedStream(uid), '-', '+')) as [string, string[]][];
      const streamed = stream.map(([, fields]) => fields[1]);
      expect({ label, tail: streamed.slice(-expected.added.length) }).toEqual({ label, tail: expected.added });
      expect(streamed.length).toBeLessThanOrEqual(Math.max(max, feed.length + expected.added.length));
    }
    // Both ways were taken often.
    expect(fastPath).toBeGreaterThan(50);
    expect(fastPath).toBeLessThan(450);
  });

  it('moves a topic mark forward only, and sets it even when nothing is added', async () => {
    expect(await run('m', 10, ['technology', '1740000000000005'], [3, 2, 1])).toBe(3);
    expect(await client.hget(keys.feedPull('m'), 'technology')).toBe('1740000000000005');
    // An older read finishing late: ids deduped, the mark kept.
    expect(await run('m', 10, ['technology', '1740000000000004', 'science', '99'], [2])).toBe(0);
    expect(await client.hgetall(keys.feedPull('m'))).toEqual({ technology: '1740000000000005', science: '99' });
    // Marks compare as numbers, not strings ('100' after '99').
    await run('m', 10, ['technology', '1740000000000012'], []);
    expect(await client.hget(keys.feedPull('m'), 'technology')).toBe('1740000000000012');
    await run('m', 10, ['science', '100'], []);
    expect(await client.hget(keys.feedPull('m'), 'science')).toBe('100');
    expect(await client.ttl(keys.feedPull('m'))).toBeGreaterThan(0);
  });
});
