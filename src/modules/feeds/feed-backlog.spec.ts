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
  const xlens = async (): Promise<number> =>
    Number(/cmdstat_xlen:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0);
  const users = async (name: string, count: number, entries: number): Promise<void> => {
    const pipeline = client.pipeline();
    for (let i = 0; i < count; i++) {
      pipeline.zadd(keys.activeUsers, Date.now(), `${name}${i}`);
      for (let k = 0; k < entries; k++) pipeline.xadd(keys.feedStream(`${name}${i}`), '*', 'id', String(k));
    }
    await pipeline.exec();
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
    await users('b', 25000, 1);
    const before = await xlens();
    expect(await gauge.sample()).toBe(25000); // every stream holds one entry: the estimate is exact
    expect((await xlens()) - before).toBe(10000);
  });
});
