import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from 'iovalkey';
import { loadConfig } from '../src/config/config.js';
import { Metrics } from '../src/metrics/metrics.service.js';
import { FeedRepository } from '../src/news/feed.repository.js';
import { slotOf } from '../src/valkey/slots.js';
import { clusterNodeUrls, ValkeyConnection, ValkeyService } from '../src/valkey/valkey.service.js';
import { TestValkeyCluster } from './support/valkey-cluster.js';

/**
 * On a cluster, fan-out sends one fanout.lua call per node (its users' slots all live there), not one per slot; a call
 * whose node turned out not to own one of its users' slots (a stale slot map: a slot moved) is sent again per slot.
 */
describe('fan-out calls on a Valkey Cluster', () => {
  let cluster: TestValkeyCluster;
  let valkey: ValkeyService;
  let feeds: FeedRepository;

  beforeAll(async () => {
    cluster = await TestValkeyCluster.start({ primaries: 3 });
    const config = loadConfig({ ...cluster.env, LOG_LEVEL: 'warn' });
    const connection = new ValkeyConnection('', undefined, undefined, {
      nodes: clusterNodeUrls(cluster.nodes).map((node) => ({
        host: new URL(node).hostname,
        port: Number(new URL(node).port),
      })),
    });
    valkey = new ValkeyService(config, connection, new Metrics());
    feeds = new FeedRepository(valkey, config);
    await valkey.command.ping();
  });

  afterAll(async () => {
    await valkey?.onApplicationShutdown();
    await cluster?.stop();
  });

  const scriptCalls = async (): Promise<number> => {
    let calls = 0;
    for (const node of (valkey.command as unknown as Cluster).nodes('master')) {
      const info = await node.info('commandstats');
      calls += Number(/^cmdstat_evalsha:calls=(\d+)/m.exec(info)?.[1] ?? 0);
      calls += Number(/^cmdstat_eval:calls=(\d+)/m.exec(info)?.[1] ?? 0);
    }
    return calls;
  };

  it('delivers to 300 users of ~300 slots in about one call per node, each id once', async () => {
    const users = Array.from({ length: 300 }, (_, i) => `n${i}`);
    const before = await scriptCalls();
    const report = await feeds.deliver(new Map(users.map((uid) => [uid, ['11', '12']])));
    expect(report.delivered.get('11')).toBe(300);
    expect(report.delivered.get('12')).toBe(300);
    expect(report.duplicates).toBe(0);
    // 600 deliveries at up to 128 a call: 5 calls if one server held them all; per node, a few more, not ~300.
    expect((await scriptCalls()) - before).toBeLessThanOrEqual(12);
    for (const uid of ['n0', 'n150', 'n299'])
      expect(await valkey.command.lrange(`feed:{${uid}}`, 0, -1)).toEqual(['12', '11']);
  });

  it('a call built from a stale slot map (a user moved to another node) is sent again per slot: each id once', async () => {
    const client = valkey.command as unknown as Cluster;
    const users = Array.from({ length: 40 }, (_, i) => `m${i}`);
    // The map says the first user's slot lives on another user's node: fan-out packs them into one call there.
    const first = slotOf(`feed:{${users[0]}}`);
    const owner = client.slots[first][0];
    const other = users.find((uid) => client.slots[slotOf(`feed:{${uid}}`)][0] !== owner)!;
    const real = client.slots[first];
    client.slots[first] = client.slots[slotOf(`feed:{${other}}`)];
    try {
      const report = await feeds.deliver(new Map(users.map((uid) => [uid, ['21']])));
      expect(report.delivered.get('21') ?? 0).toBeLessThanOrEqual(40);
    } finally {
      client.slots[first] = real;
    }
    for (const uid of users) expect(await valkey.command.lrange(`feed:{${uid}}`, 0, -1)).toEqual(['21']);
    expect(await valkey.command.xlen(`feed_stream:{${users[0]}}`)).toBe(1);
  });

  it('with FANOUT_CLUSTER_CALLS=slot, one call per slot (every script single-slot), each id once', async () => {
    const bySlot = new FeedRepository(valkey, loadConfig({ ...cluster.env, FANOUT_CLUSTER_CALLS: 'slot' }));
    const users = Array.from({ length: 60 }, (_, i) => `s${i}`);
    const slots = new Set(users.map((uid) => slotOf(`feed:{${uid}}`))).size;
    const before = await scriptCalls();
    const report = await bySlot.deliver(new Map(users.map((uid) => [uid, ['31']])));
    expect(report.delivered.get('31')).toBe(60);
    expect((await scriptCalls()) - before).toBe(slots);
  });
});
