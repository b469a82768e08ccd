import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { TestValkey } from '../../test/support/valkey.js';
import { LuaScript } from '../valkey/lua-script.js';

const FOLLOWERS = LuaScript.from(new URL('./subscribers-change.lua', import.meta.url));
const KEYS = [
  'topic_subscribers:t',
  'subscribers_version:{topic_subscribers:t}',
  'subscribers_changed:{topic_subscribers:t}',
];

describe('subscribers-change.lua', () => {
  let server: TestValkey;
  let client: Valkey;
  const change = async (op: string, cap: number, ...uids: string[]): Promise<string[]> =>
    (await FOLLOWERS.run(client, KEYS, [op, cap, 'e1', ...uids])) as string[];

  beforeAll(async () => {
    server = await TestValkey.start();
    client = server.client();
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('changes the set, bumps the version once per call and logs each user at the version of their latest change', async () => {
    expect(await change('add', 100, 'a', 'b')).toEqual(['a', 'b']);
    expect(await change('touch', 100, 'a')).toEqual(['a']);
    expect(await change('remove', 100, 'b', 'z')).toEqual(['b']); // z was no member: not logged
    expect(await change('remove', 100, 'z')).toEqual([]); // nothing changed: the version stays
    expect(await client.smembers(KEYS[0])).toEqual(['a']);
    expect(await client.hgetall(KEYS[1])).toEqual({ v: '3', epoch: 'e1' });
    expect(await client.zrange(KEYS[2], 0, -1, 'WITHSCORES')).toEqual(['a', '2', 'b', '3']);
  });

  it('trims the log by whole versions past its cap and records the highest version trimmed as the floor', async () => {
    await change('add', 4, 'c', 'd'); // version 4
    await change('add', 4, 'e', 'f'); // version 5: six entries, over the cap by two -> versions up to 3 go ('a', 'b')
    expect(await client.zrange(KEYS[2], 0, -1)).toEqual(['c', 'd', 'e', 'f']);
    expect(await client.hget(KEYS[1], 'floor')).toBe('3');
    await change('touch', 4, 'g'); // version 6: over by one -> version 4 goes whole ('c' and 'd')
    expect(await client.zrange(KEYS[2], 0, -1)).toEqual(['e', 'f', 'g']);
    expect(await client.hget(KEYS[1], 'floor')).toBe('4');
  });
});
