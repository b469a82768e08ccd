// What a fanout.lua call costs Valkey apart from its deliveries, and what cluster mode adds per delivery: the same
// calls (15 short ids per user, 1 or 8 users per call) on a plain valkey-server and on a one-node cluster
// (cluster-enabled, every slot on it), one at a time on this box, no app, to existing feeds. Valkey CPU (INFO
// used_cpu_user + sys) per delivery, medians of interleaved rounds. The difference between 1 and 8 users per call is
// the per-call cost (spread over 15 or 120 deliveries); between plain and clustered, cluster mode's own checks.
//   bash scripts/build-bench.sh && node .bench-dist/bench/fanout-call-cost.js [--users 24000]
import calculateSlot from 'cluster-key-slot';
import { Valkey } from 'iovalkey';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Keys } from '../src/valkey/keys.js';
import { TestValkey } from '../test/support/valkey.js';
import { median, progress } from './support.js';

const keys = new Keys('');
const SCRIPT = `#!lua\n${readFileSync(new URL('../src/news/fanout.lua', import.meta.url), 'utf8')}`;
/** The first pass creates the feeds (unmeasured), the second is measured: a feed's steady state, not its creation. */
const FIRST = Array.from({ length: 15 }, (_, i) => String(1000 + i));
const SHORTS = Array.from({ length: 15 }, (_, i) => String(2000 + i));
/** Users written per pass (`--users N`): the keyspace a call works in grows with it (3 keys per user). */
const USERS = process.argv.includes('--users') ? Number(process.argv[process.argv.indexOf('--users') + 1]) : 24000;
const IN_FLIGHT = 64;

async function cpu(client: Valkey): Promise<{ user: number; sys: number }> {
  const info = await client.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return { user: field('used_cpu_user'), sys: field('used_cpu_sys') };
}

/** `count` user ids in groups of `width` whose feed keys share a slot (what a cluster's caller sends together). */
function slotmates(prefix: string, count: number, width: number): string[][] {
  const bySlot = new Map<number, string[]>();
  const calls: string[][] = [];
  for (let i = 0; calls.length * width < count; i++) {
    const uid = `${prefix}${i}`;
    const slot = calculateSlot(keys.feed(uid));
    const group = bySlot.get(slot) ?? [];
    group.push(uid);
    bySlot.set(slot, group);
    if (group.length === width) {
      calls.push(group);
      bySlot.delete(slot);
    }
  }
  return calls;
}

async function costOf(client: Valkey, sha: string, calls: string[][]): Promise<{ user: number; sys: number }> {
  await deliver(client, sha, calls, FIRST);
  const before = await cpu(client);
  await deliver(client, sha, calls, SHORTS);
  const after = await cpu(client);
  const deliveries = calls.length * calls[0].length * SHORTS.length;
  return { user: ((after.user - before.user) * 1e6) / deliveries, sys: ((after.sys - before.sys) * 1e6) / deliveries };
}

async function deliver(client: Valkey, sha: string, calls: string[][], shorts: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < calls.length) {
        const users = calls[next++];
        const args = [200, 86400, ...keys.userKeyHeads, users.join(','), shorts.length, ...shorts];
        await client.evalsha(sha, 1, keys.feed(users[0]), ...args);
      }
    }),
  );
}

export async function run(rounds = 5): Promise<Record<string, number>> {
  const plain = await TestValkey.start({ appendOnly: false });
  const clustered = await TestValkey.start({ appendOnly: false, args: ['--cluster-enabled', 'yes'] });
  const servers = { plain: new Valkey(plain.url), clustered: new Valkey(clustered.url) };
  await servers.clustered.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  while (!/cluster_state:ok/.test((await servers.clustered.call('CLUSTER', 'INFO')) as string))
    await new Promise((resolve) => setTimeout(resolve, 100));
  const results: Record<string, number> = {};
  try {
    const costs: Record<string, number[]> = {};
    for (let round = 0; round < rounds; round++) {
      for (const width of [1, 8]) {
        for (const [name, client] of Object.entries(servers)) {
          const sha = (await client.script('LOAD', SCRIPT)) as string;
          await client.flushall();
          const cost = await costOf(client, sha, slotmates(`r${round}w${width}-`, USERS, width));
          const label = `${name}_${width}_users_per_call`;
          (costs[label] ??= []).push(cost.user + cost.sys);
          progress(
            `fanout call cost: ${name}, ${width} users × 15 ids per call, round ${round + 1}: ` +
              `${(cost.user + cost.sys).toFixed(2)} µs Valkey CPU per delivery (${cost.sys.toFixed(2)} sys)`,
          );
        }
      }
    }
    for (const [label, values] of Object.entries(costs))
      results[`fanout_call_cost_cpu_us_per_delivery_${label}`] = Number(median(values).toFixed(2));
  } finally {
    servers.plain.disconnect();
    servers.clustered.disconnect();
    await plain.stop();
    await clustered.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await run())}\n`);
  process.exit(0);
}
