import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { slotOf } from '../src/valkey/slots.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { StreamViewer, type Token } from './support/llm-viewer.js';
import { readSse } from './support/sse.js';
import { TOPOLOGY } from './support/topology.js';
import { TestValkeyCluster } from './support/valkey-cluster.js';
import type { TestValkey } from './support/valkey.js';

/** The SSE events of a stream as token indexes (in the order sent) and its end. */
async function sseView(url: string, id: string): Promise<{ indexes: number[]; text: string; end?: unknown }> {
  const { status, events } = await readSse(`${url}/llm/streams/${id}/events`);
  expect(status).toBe(200);
  const tokens = events.filter((e) => e.event === 'token').map((e) => JSON.parse(e.data) as Token);
  const end = events.find((e) => e.event === 'end');
  return {
    indexes: tokens.map((t) => t.index),
    text: tokens.map((t) => t.content).join(''),
    end: end && JSON.parse(end.data),
  };
}

/** Calls of PUBLISH and SPUBLISH on each given server (INFO commandstats; scripts' calls are counted too). */
async function pubsubCalls(servers: TestValkey[]): Promise<{ publish: number; spublish: number }[]> {
  return Promise.all(
    servers.map(async (server) => {
      const client = server.client();
      try {
        const stats = String(await client.info('commandstats'));
        const calls = (command: string) =>
          Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
        return { publish: calls('publish'), spublish: calls('spublish') };
      } finally {
        client.disconnect();
      }
    }),
  );
}

/** The live replica of `primary`, if it has one (ROLE on each replica names its primary's port). */
async function replicaOf(cluster: TestValkeyCluster, primary: TestValkey): Promise<TestValkey | undefined> {
  for (const replica of cluster.replicas) {
    const client = replica.client();
    try {
      const role = (await client.call('ROLE')) as [string, string, number];
      if (role[0] === 'slave' && Number(role[2]) === primary.port) return replica;
    } catch {
      // a server killed earlier: not a candidate
    } finally {
      client.disconnect();
    }
  }
  return undefined;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// Each describe starts its own cluster: the standalone project skips this file, the cluster project runs it.
const onCluster = TOPOLOGY === 'cluster' ? describe : describe.skip;

onCluster(`llm token streams over sharded Pub/Sub (${TOPOLOGY})`, () => {
  let cluster: TestValkeyCluster;
  let app: TestApp;

  beforeAll(async () => {
    cluster = await TestValkeyCluster.start({ primaries: 3 });
    app = await startTestApp('', { ...cluster.env, LLM_SIMULATED_TOKEN_DELAY_MS: '10', LLM_VIEWER_RECHECK_MS: '500' });
  }, 60000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it("SPUBLISHes a stream's messages on its channel's shard (no PUBLISH), and Socket.IO and SSE viewers get every token", async () => {
    const id = 'sharded-1';
    const channelOwner = await cluster.ownerOf(slotOf(`${app.config.env.KEY_PREFIX}llm:stream:${id}`));
    const before = await pubsubCalls(cluster.primaries);
    const created = await json(`${app.url}/llm/streams`, { body: { id, prompt: 'Sharded Pub/Sub', max_tokens: 60 } });
    expect(created.status).toBe(201);
    const [socket, sse] = await Promise.all([StreamViewer.join(app.url, id), sseView(app.url, id)]);
    await socket.done;
    socket.socket.disconnect();
    const status = await json<{ text: string; tokens: number }>(`${app.url}/llm/streams/${id}`);
    expect(socket.tokens.map((t) => t.index)).toEqual(range(60));
    expect(socket.tokens.map((t) => t.content).join('')).toBe(status.body.text);
    expect(socket.end).toEqual({ id, total_tokens: 60 });
    expect(sse.indexes).toEqual(range(60));
    expect(sse.text).toBe(status.body.text);
    expect(sse.end).toEqual({ total_tokens: 60 });

    const after = await pubsubCalls(cluster.primaries);
    const delta = after.map((stats, i) => ({
      port: cluster.primaries[i].port,
      publish: stats.publish - before[i].publish,
      spublish: stats.spublish - before[i].spublish,
    }));
    // start, 60 tokens and end, each SPUBLISHed once, on the channel's shard only; no PUBLISH on any node.
    expect(delta.map((d) => d.publish)).toEqual([0, 0, 0]);
    expect(delta.find((d) => d.port === channelOwner.port)?.spublish).toBe(62);
    expect(delta.reduce((sum, d) => sum + d.spublish, 0)).toBe(62);
  });

  it('a viewer gets a logged end whose SPUBLISH was lost (a crash between the two) after LLM_VIEWER_RECHECK_MS of silence', async () => {
    const id = 'lost-end-1';
    const client = cluster.client();
    // A stream whose generation is elsewhere (never queued here): nothing is published on its channel.
    await client.hset(`llm:meta:{${id}}`, {
      attempt: 'elsewhere',
      queue_by: String(Date.now() + 600000),
      id,
      provider: 'simulated',
      model: 'simulated-1',
      prompt: 'lost end',
      max_tokens: '5',
      status: 'running',
      created_at: new Date().toISOString(),
    });
    const viewer = await StreamViewer.join(app.url, id);
    const now = Math.floor(Date.now() / 1000);
    await client.xadd(
      `llm:log:{${id}}`,
      '1-0',
      'm',
      JSON.stringify({ type: 'token', content: 'a', index: 0, timestamp: now }),
    );
    await client.xadd(
      `llm:log:{${id}}`,
      '2-0',
      'm',
      JSON.stringify({ type: 'end', request_id: id, total_tokens: 1, timestamp: now }),
    );
    await Promise.race([viewer.done, new Promise((resolve) => setTimeout(resolve, 10000))]);
    viewer.socket.disconnect();
    expect(viewer.tokens).toEqual([{ index: 0, content: 'a' }]);
    expect(viewer.end).toEqual({ id, total_tokens: 1 });
  });
});

onCluster(`llm token streams over sharded Pub/Sub through a failover (${TOPOLOGY})`, () => {
  let cluster: TestValkeyCluster;
  let app: TestApp;

  beforeAll(async () => {
    cluster = await TestValkeyCluster.start({ primaries: 3, replicasPerPrimary: 1 });
    app = await startTestApp('', {
      ...cluster.env,
      LLM_SIMULATED_TOKEN_DELAY_MS: '40',
      STREAM_CLAIM_IDLE_MS: '2000',
      VALKEY_SOCKET_TIMEOUT_MS: '2000',
    });
  }, 90000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('viewers get every token exactly once, in order, and the end when the primary owning the channel is killed mid-stream', async () => {
    const prefix = app.config.env.KEY_PREFIX;
    // A stream whose channel is on another shard than its log: the kill takes the channel's shard, and the generator
    // keeps logging on its own shard meanwhile (what is published to the dying shard is lost, never what is logged).
    let id = '';
    let victim: TestValkey | undefined;
    for (let n = 0; !victim; n++) {
      id = `failover-${n}`;
      const channelOwner = await cluster.ownerOf(slotOf(`${prefix}llm:stream:${id}`));
      const logOwner = await cluster.ownerOf(slotOf(`${prefix}llm:log:{${id}}`));
      if (channelOwner !== logOwner) victim = channelOwner;
    }
    const channelSlot = slotOf(`${prefix}llm:stream:${id}`);
    const tokens = 250;
    expect(
      (await json(`${app.url}/llm/streams`, { body: { id, prompt: 'through a failover', max_tokens: tokens } })).status,
    ).toBe(201);
    const socket = await StreamViewer.join(app.url, id);
    const sse = sseView(app.url, id);
    await eventually(() => socket.tokens.length >= 20, 15000);
    await victim.kill9();
    // The app follows the channel to the replica that took the slot over and SSUBSCRIBEs it there, mid-stream.
    const killedAt = Date.now();
    const resubscribed = await eventually(
      async () => {
        const owner = await cluster.ownerOf(channelSlot);
        if (owner === victim) return undefined;
        const client = owner.client();
        try {
          const [, count] = (await client.call('PUBSUB', 'SHARDNUMSUB', `${prefix}llm:stream:${id}`)) as [
            string,
            number,
          ];
          return count > 0 && socket.end === undefined ? Date.now() - killedAt : undefined;
        } finally {
          client.disconnect();
        }
      },
      20000,
      100,
    );
    console.log(`failover: the channel was subscribed on its new owner ${resubscribed} ms after the kill`);

    await Promise.race([socket.done, new Promise((resolve) => setTimeout(resolve, 60000))]);
    socket.socket.disconnect();
    const seen = await sse;
    const status = await json<{ text: string; status: string }>(`${app.url}/llm/streams/${id}`);
    expect(status.body.status).toBe('done');
    expect(socket.tokens.map((t) => t.index)).toEqual(range(tokens));
    expect(socket.tokens.map((t) => t.content).join('')).toBe(status.body.text);
    expect(socket.end).toEqual({ id, total_tokens: tokens });
    expect(seen.indexes).toEqual(range(tokens));
    expect(seen.text).toBe(status.body.text);
    expect(seen.end).toEqual({ total_tokens: tokens });
    // The channel's slot moved to the killed primary's replica, and the stream went on there.
    const owner = await cluster.ownerOf(channelSlot);
    expect(owner).not.toBe(victim);
    expect(cluster.replicas).toContain(owner);
    const [onNewOwner] = await pubsubCalls([owner]);
    expect(onNewOwner.spublish).toBeGreaterThan(0);
  }, 120000);

  it('follows a channel whose primary is demoted by CLUSTER FAILOVER (its server drops the subscription) mid-stream', async () => {
    const prefix = app.config.env.KEY_PREFIX;
    // A stream whose channel's primary still has a replica (not the shard that lost its primary above).
    let id = '';
    let replica: TestValkey | undefined;
    for (let n = 0; !replica; n++) {
      id = `demoted-${n}`;
      const owner = await cluster.ownerOf(slotOf(`${prefix}llm:stream:${id}`));
      replica = await replicaOf(cluster, owner);
    }
    const channelSlot = slotOf(`${prefix}llm:stream:${id}`);
    const demoted = await cluster.ownerOf(channelSlot);
    const tokens = 200;
    expect(
      (await json(`${app.url}/llm/streams`, { body: { id, prompt: 'through a demotion', max_tokens: tokens } })).status,
    ).toBe(201);
    const socket = await StreamViewer.join(app.url, id);
    const sse = sseView(app.url, id);
    await eventually(() => socket.tokens.length >= 20, 15000);
    const client = replica.client();
    try {
      expect(await client.call('CLUSTER', 'FAILOVER')).toBe('OK');
      const failedOverAt = Date.now();
      const resubscribed = await eventually(
        async () => {
          const [, count] = (await client.call('PUBSUB', 'SHARDNUMSUB', `${prefix}llm:stream:${id}`)) as [
            string,
            number,
          ];
          const role = ((await client.call('ROLE')) as string[])[0];
          return role === 'master' && count > 0 && socket.end === undefined ? Date.now() - failedOverAt : undefined;
        },
        20000,
        50,
      );
      console.log(`demotion: the channel was subscribed on its new primary ${resubscribed} ms after CLUSTER FAILOVER`);
    } finally {
      client.disconnect();
    }
    await Promise.race([socket.done, new Promise((resolve) => setTimeout(resolve, 60000))]);
    socket.socket.disconnect();
    const seen = await sse;
    const status = await json<{ text: string; status: string }>(`${app.url}/llm/streams/${id}`);
    expect(status.body.status).toBe('done');
    expect(socket.tokens.map((t) => t.index)).toEqual(range(tokens));
    expect(socket.end).toEqual({ id, total_tokens: tokens });
    expect(seen.indexes).toEqual(range(tokens));
    expect(seen.end).toEqual({ total_tokens: tokens });
    expect(await cluster.ownerOf(channelSlot)).toBe(replica);
    // The demoted server holds no subscription of the app any more; the stream's end was SPUBLISHed on the new primary.
    expect((await pubsubCalls([replica]))[0].spublish).toBeGreaterThan(0);
    expect(demoted).not.toBe(replica);
  }, 120000);
});
