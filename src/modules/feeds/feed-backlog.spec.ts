import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { TestValkey } from '../../../test/support/valkey.js';
import { Keys } from '../../valkey/keys.js';
import type { ValkeyService } from '../../valkey/valkey.service.js';
import { FeedBacklogGauge } from './feed-backlog.js';
import { FeedsMetrics } from './feeds.metrics.js';

describe('FeedBacklogGauge', () => {
  let server: TestValkey;
  let client: Valkey;
  let gauge: FeedBacklogGauge;
  const keys = new Keys('');
  const calls = async (command: string): Promise<number> =>
    Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await client.info('commandstats'))?.[1] ?? 0);
  /**
   * `count` active users with `entries` entries each in their feed stream, written by one script call (a pipeline of
   * 50,000 commands outlasted the 60 s timeout once, under the full suite's load).
   */
  const users = async (name: string, count: number, entries: number): Promise<void> => {
    const fill = `
      for i = 0, tonumber(ARGV[3]) - 1 do
        local uid = ARGV[2] .. i
        redis.call('ZADD', KEYS[1], ARGV[1], uid)
        for n = 1, tonumber(ARGV[4]) do redis.call('XADD', ARGV[5] .. uid .. '}', '*', 'id', n) end
      end`;
    await client.eval(fill, 1, keys.activeUsers, Date.now(), name, count, entries, keys.userKeyHeads[2]);
  };

  beforeAll(async () => {
    server = await TestValkey.start();
    client = server.client();
    // The real server; the service is only its command connection and key names here.
    gauge = new FeedBacklogGauge({ command: client, keys } as unknown as ValkeyService, new FeedsMetrics());
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('sums the feed streams of every active user while they are few', async () => {
    await users('a', 300, 2);
    expect(await gauge.sample()).toBe(600);
  });

  it('past 10,000 active users reads a sample of 10,000 and scales it, not one XLEN per user', async () => {
    await client.del(keys.activeUsers);
    await users('b', 25000, 3);
    const [xlens, zranges] = [await calls('xlen'), await calls('zrange')];
    expect(await gauge.sample()).toBe(75000); // every stream holds three entries: the estimate is exact
    expect((await calls('xlen')) - xlens).toBe(10000);
    // Picked in 20 windows of 500 ranks, none twice (one short ZRANGE each): one ZRANDMEMBER of 10,000 held Valkey's
    // thread up to 44 ms during a burst.
    expect((await calls('zrange')) - zranges).toBe(20);
    expect(await calls('zrandmember')).toBe(0);
  });
});
