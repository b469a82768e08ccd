import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Valkey } from 'iovalkey';
import { FeedBacklogGauge } from '../src/modules/feeds/feed-backlog.js';
import { ValkeyService } from '../src/valkey/valkey.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const ACTIVE = 30000;
const PER_FEED = 3;

/** What Valkey ran so far, per command (INFO commandstats calls). */
async function calls(client: Valkey, command: string): Promise<number> {
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(await client.info('commandstats'));
  return Number(match?.[1] ?? 0);
}

/** skein_feed_backlog past 10,000 active users: estimated from a sample, in short commands. */
describe('feed backlog gauge with many active users', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let client: Valkey;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = new Valkey(valkey.url);
    app = await startTestApp(valkey.url, { ROLES: 'api' });
    const keys = app.app.get(ValkeyService).keys;
    // ACTIVE users, each with PER_FEED entries in their feed stream (written by a script: 90,000 commands in one call).
    const fill = `
      for i = 1, tonumber(ARGV[2]) do
        local uid = 'b' .. i
        redis.call('ZADD', KEYS[1], ARGV[1], uid)
        for n = 1, tonumber(ARGV[3]) do redis.call('XADD', ARGV[4] .. uid .. '}', '*', 'id', n) end
      end`;
    await client.eval(fill, 1, keys.activeUsers, Date.now(), ACTIVE, PER_FEED, keys.userKeyHeads[2]);
  });

  afterAll(async () => {
    client?.disconnect();
    await app?.close();
    await valkey?.stop();
  });

  it('estimates the sum from about 10,000 of 30,000 users, from 20 windows of 500 ranks (one short ZRANGE each, none twice)', async () => {
    const gauge = app.app.get(FeedBacklogGauge);
    await gauge.beforeApplicationShutdown(); // its own timer stopped: only the sample below runs commands
    const [xlen0, picks0] = [await calls(client, 'xlen'), await calls(client, 'zrange')];
    // Every feed holds the same: any sample gives the exact sum.
    expect(await gauge.sample()).toBe(ACTIVE * PER_FEED);
    const xlens = (await calls(client, 'xlen')) - xlen0;
    expect(xlens).toBe(10000);
    expect((await calls(client, 'zrange')) - picks0).toBe(20);
    expect(await calls(client, 'zrandmember')).toBe(0);
  });
});
