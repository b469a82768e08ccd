// What the feed relay's polling costs on a Valkey Cluster (FEED_RELAY_POLL_MS): N watched feed streams with nothing
// new, read once per poll as the relay does (one XREAD per slot group, pipelined per primary: `xreadByNode`), and
// written one by one for comparison; Valkey CPU (sum over the primaries) and this process's CPU, per read and per
// second, on a local 3-primary cluster.
//   bash scripts/build-bench.sh && node .bench-dist/bench/relay-poll.js [users=1000] [pollMs=200] [seconds=10]
import type { Cluster } from 'iovalkey';
import { setTimeout as sleep } from 'node:timers/promises';
import { xreadByNode } from '../src/modules/feeds/feed.relay.js';
import { groupBySlot, slotOf } from '../src/valkey/slots.js';
import { TestValkeyCluster } from '../test/support/valkey-cluster.js';

const [users = 1000, pollMs = 200, seconds = 10] = process.argv.slice(2).map(Number);

async function valkeyCpuSeconds(client: Cluster): Promise<number> {
  let total = 0;
  for (const node of client.nodes('master')) {
    const info = await node.info('cpu');
    for (const field of ['used_cpu_user', 'used_cpu_sys'])
      total += Number(new RegExp(`${field}:([\\d.]+)`).exec(info)![1]);
  }
  return total;
}

const cluster = await TestValkeyCluster.start();
try {
  const client = cluster.client();
  const keys = Array.from({ length: users }, (_, i) => `feed_stream:{user${i}}`);
  const cursors = new Map<string, string>();
  for (const key of keys) cursors.set(key, (await client.xadd(key, '*', 'id', '1'))!);
  const reads = groupBySlot(keys, (key) => key, true).map((streams) => ({
    slot: slotOf(streams[0]),
    args: ['COUNT', 100, 'STREAMS', ...streams, ...streams.map((key) => cursors.get(key)!)],
  }));
  const modes: Record<string, () => Promise<unknown>> = {
    pipelined: () => xreadByNode(client, reads),
    alone: () => Promise.all(reads.map(({ args }) => client.call('XREAD', ...args))),
  };
  for (const [mode, poll] of Object.entries(modes)) {
    const valkeyBefore = await valkeyCpuSeconds(client);
    const nodeBefore = process.cpuUsage();
    const end = Date.now() + seconds * 1000;
    let polls = 0;
    while (Date.now() < end) {
      await poll();
      polls++;
      await sleep(pollMs);
    }
    const valkeyUs = ((await valkeyCpuSeconds(client)) - valkeyBefore) * 1e6;
    const node = process.cpuUsage(nodeBefore);
    const nodeUs = node.user + node.system;
    const count = polls * reads.length;
    console.log(
      JSON.stringify({
        mode,
        users,
        slotGroups: reads.length,
        pollMs,
        polls,
        valkeyUsPerRead: +(valkeyUs / count).toFixed(2),
        nodeUsPerRead: +(nodeUs / count).toFixed(2),
        valkeyCpuMsPerSecond: +(valkeyUs / 1000 / seconds).toFixed(1),
        nodeCpuMsPerSecond: +(nodeUs / 1000 / seconds).toFixed(1),
      }),
    );
  }
} finally {
  await cluster.stop();
}
