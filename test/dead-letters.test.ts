import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

interface DeadLetter {
  id: string;
  error: string | null;
  stream: string | null;
  source_id: string | null;
  deliveries: number | null;
  fields: Record<string, string>;
}
interface Page {
  stage: string;
  length: number;
  entries: DeadLetter[];
  next_after?: string;
}

const VIEW = { name: 'profile', entity: 'user', ttl_seconds: 3600, features: [{ name: 'age', type: 'INT' }] };

describe(`dead letters: read, replay, discard (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let app: TestApp;
  let client: Valkey;

  beforeAll(async () => {
    valkey = await startStore();
    client = valkey.client();
    app = await startTestApp(valkey.url, { ...valkey.env, ROLES: 'all' });
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] } })).status,
    ).toBe(201);
    expect((await json(`${app.url}/features/views`, { body: VIEW })).status).toBe(201);
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const page = async (stage: string, query = ''): Promise<Page> => {
    const res = await json<Page>(`${app.url}/dead-letters/${stage}${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('replays a raw feature row dead-lettered for a feature its view lacked, once the view has it', async () => {
    const at = Math.floor(Date.now() / 1000);
    const features = JSON.stringify({ age: 41, tier: 'gold' });
    const sourceId = await client.xadd(
      'fs:stream:profile',
      '*',
      'entity_id',
      'u1',
      'features',
      features,
      'timestamp',
      String(at),
    );
    const listed = await eventually(async () => {
      const body = await page('features');
      return body.length === 1 ? body : undefined;
    });
    expect(listed.entries[0]).toMatchObject({
      error: expect.stringContaining('tier'),
      stream: 'fs:stream:profile',
      source_id: sourceId,
      deliveries: 1,
      fields: { entity_id: 'u1', features, timestamp: String(at) },
    });

    const updated = await json(`${app.url}/features/views/profile`, {
      method: 'PUT',
      body: { entity: 'user', ttl_seconds: 3600, features: [...VIEW.features, { name: 'tier', type: 'STRING' }] },
    });
    expect(updated.status).toBe(200);
    const replay = await json(`${app.url}/dead-letters/features/replay`, { body: {} });
    expect(replay).toMatchObject({ status: 200, body: { replayed: 1, not_replayed: [] } });

    await eventually(async () => (await client.hget('fs:v1:profile:u1', 'tier')) === 'gold');
    expect(await client.hget('fs:v1:profile:u1', 'age')).toBe('41');
    expect((await page('features')).length).toBe(0);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('skein_dead_letters_replayed_total{stage="features"} 1');
  });

  it('pages oldest first, replays only the ids given, and an entry that fails again is dead-lettered again', async () => {
    for (const id of ['bad id 1', 'bad id 2', 'bad id 3']) {
      await client.xadd('news_raw', '*', 'id', id, 'title', 'T', 'body', 'B');
    }
    await eventually(async () => (await page('classify')).length === 3);
    const first = await page('classify', '?limit=2');
    expect(first.entries.map((entry) => entry.fields.id)).toEqual(['bad id 1', 'bad id 2']);
    expect(first.entries[0]).toMatchObject({ stream: 'news_raw', error: expect.stringContaining('id') });
    const second = await page('classify', `?limit=2&after=${first.next_after}`);
    expect(second.entries.map((entry) => entry.fields.id)).toEqual(['bad id 3']);
    expect(second.next_after).toBeUndefined();

    const missing = '1-1';
    const replay = await json<{ replayed: number; not_replayed: { id: string }[] }>(
      `${app.url}/dead-letters/classify/replay`,
      { body: { ids: [first.entries[1].id, missing] } },
    );
    expect(replay.body).toEqual({
      replayed: 1,
      not_replayed: [{ id: missing, reason: 'not in the dead-letter stream' }],
    });
    // Still a bad id: classify dead-letters the replayed copy again, behind the two left.
    const again = await eventually(async () => {
      const body = await page('classify');
      return body.length === 3 && body.entries[2].id !== first.entries[1].id ? body : undefined;
    });
    expect(again.entries.map((entry) => entry.fields.id)).toEqual(['bad id 1', 'bad id 3', 'bad id 2']);
  });

  it('appends a dead letter once when two replays of it run at the same time', async () => {
    const before = await page('classify');
    const [target] = before.entries;
    const length = Number(await client.xlen('news_raw'));
    const replays = await Promise.all(
      [0, 1].map(() =>
        json<{ replayed: number; not_replayed: { reason: string }[] }>(`${app.url}/dead-letters/classify/replay`, {
          body: { ids: [target.id] },
        }),
      ),
    );
    expect(replays.map((replay) => replay.body.replayed).sort()).toEqual([0, 1]);
    expect(Number(await client.xlen('news_raw'))).toBe(length + 1);
    // Still a bad id: dead-lettered again, once.
    await eventually(async () => (await page('classify')).length === before.length);
  });

  it('leaves a dead letter whose replay died midway (its mark held) in place, and replays it once the mark lapses', async () => {
    const [target] = (await page('classify')).entries;
    // What a replay that appended the entry and died before deleting it leaves: the mark, for REPLAYING_MS.
    await client.set(`dlq_replaying:{dlq:classify}:${target.id}`, '1', 'PX', 300);
    const busy = await json(`${app.url}/dead-letters/classify/replay`, { body: { ids: [target.id] } });
    expect(busy.body).toEqual({
      replayed: 0,
      not_replayed: [{ id: target.id, reason: 'being replayed by another request' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const replay = await json(`${app.url}/dead-letters/classify/replay`, { body: { ids: [target.id] } });
    expect(replay.body).toEqual({ replayed: 1, not_replayed: [] });
    expect(await client.exists(`dlq_replaying:{dlq:classify}:${target.id}`)).toBe(0);
  });

  it('deletes one dead letter, then all of them', async () => {
    const before = await page('classify');
    expect(before.length).toBeGreaterThan(1);
    const one = await json<{ deleted: number }>(`${app.url}/dead-letters/classify/${before.entries[0].id}`, {
      method: 'DELETE',
    });
    expect(one.body).toEqual({ deleted: 1 });
    expect((await page('classify')).length).toBe(before.length - 1);
    const all = await json<{ deleted: number }>(`${app.url}/dead-letters/classify`, { method: 'DELETE' });
    expect(all.body).toEqual({ deleted: before.length - 1 });
    expect(await client.xlen('dlq:classify')).toBe(0);
  });

  it('answers 404 for a stage that does not dead-letter and 400 naming a bad limit, after or id, changing nothing', async () => {
    await client.xadd('dlq:enrich', '*', 'dlq_error', 'x', 'dlq_stream', 'classified_stream', 'data', '{}');
    const unknown = await json<{ message: string }>(`${app.url}/dead-letters/ingest`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('unknown stage ingest');
    expect((await json(`${app.url}/dead-letters/nope/replay`, { body: {} })).status).toBe(404);

    const bad = [
      { url: '/dead-letters/enrich?limit=0', method: 'GET', field: 'limit' },
      { url: '/dead-letters/enrich?after=yesterday', method: 'GET', field: 'after' },
      { url: '/dead-letters/enrich/replay', method: 'POST', body: { ids: ['x'] }, field: 'ids' },
      { url: '/dead-letters/enrich/replay', method: 'POST', body: { ids: [] }, field: 'ids' },
      { url: '/dead-letters/enrich/replay', method: 'POST', body: { all: true }, field: 'all' },
      { url: '/dead-letters/enrich/not-an-id', method: 'DELETE', field: 'id' },
      // Digits, but past a 64-bit part: Valkey refuses such an id, which must not surface as a 500.
      { url: `/dead-letters/enrich?after=${'9'.repeat(20)}-0`, method: 'GET', field: 'after' },
      { url: '/dead-letters/enrich/replay', method: 'POST', body: { ids: [`1-${'9'.repeat(20)}`] }, field: 'ids' },
      { url: `/dead-letters/enrich/${'9'.repeat(20)}-0`, method: 'DELETE', field: 'id' },
    ];
    for (const { url, method, body, field } of bad) {
      const res = await json<{ message: string | string[] }>(`${app.url}${url}`, { method, body });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(String(res.body.message)).toContain(field);
    }
    const max = `${2n ** 64n - 1n}-${2n ** 64n - 1n}`;
    expect(await json(`${app.url}/dead-letters/enrich?after=${max}`)).toMatchObject({
      status: 200,
      body: { length: 1, entries: [] },
    });
    expect(await client.xlen('dlq:enrich')).toBe(1);
    expect(await client.xlen('classified_stream')).toBe(0);

    // An entry holding only the engine's fields (written by hand) has nothing to replay: it stays, with the reason.
    const bare = await client.xadd('dlq:enrich', '*', 'dlq_error', 'x', 'dlq_stream', 'classified_stream');
    const replay = await json(`${app.url}/dead-letters/enrich/replay`, { body: { ids: [bare] } });
    expect(replay.body).toEqual({ replayed: 0, not_replayed: [{ id: bare, reason: 'no original fields' }] });
    expect(await client.xlen('dlq:enrich')).toBe(2);
  });

  it("keeps the engine's dlq_* fields over an entry's own, and a replay restores the entry's dlq_* fields to the stream it came from", async () => {
    // A producer's fields named like the engine's: they must neither redirect a replay nor replace the reason.
    const own = { dlq_stream: 'enriched_stream', dlq_error: 'forged', 'dlq_field:dlq_id': 'nested' };
    const sourceId = await client.xadd(
      'news_raw',
      '*',
      'id',
      'bad id forged',
      'title',
      'T',
      'body',
      'B',
      ...Object.entries(own).flat(),
    );
    const listed = await eventually(async () =>
      (await page('classify')).entries.find((entry) => entry.source_id === sourceId),
    );
    expect(listed).toMatchObject({ stream: 'news_raw', source_id: sourceId, deliveries: 1 });
    expect(listed.error).toContain('id');
    expect(listed.fields).toEqual({ id: 'bad id forged', title: 'T', body: 'B', ...own });

    const replay = await json(`${app.url}/dead-letters/classify/replay`, { body: { ids: [listed.id] } });
    expect(replay.body).toEqual({ replayed: 1, not_replayed: [] });
    // Still a bad id: classify dead-letters the copy appended to news_raw again, with the entry's own fields as written.
    const again = await eventually(async () =>
      (await page('classify')).entries.find((entry) => entry.fields.id === 'bad id forged' && entry.id !== listed.id),
    );
    expect(again).toMatchObject({ stream: 'news_raw', fields: listed.fields });
    expect(again.source_id).not.toBe(sourceId);
    expect(await client.xlen('dlq:fanout')).toBe(0);
    await json(`${app.url}/dead-letters/classify`, { method: 'DELETE' });
  });

  it('documents the dead-letter routes in the OpenAPI document', async () => {
    const { body } = await json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>(
      `${app.url}/docs-json`,
    );
    expect(Object.keys(body.paths['/dead-letters/{stage}'])).toEqual(expect.arrayContaining(['get', 'delete']));
    expect(body.paths['/dead-letters/{stage}/replay'].post.responses).toHaveProperty('400');
    expect(body.paths['/dead-letters/{stage}/{id}'].delete.responses).toHaveProperty('404');
  });
});

describe(`dead letters are never evicted (${TOPOLOGY})`, () => {
  let valkey: TestStore;
  let app: TestApp;
  let client: Valkey;
  const FILLERS = 100000;

  beforeAll(async () => {
    valkey = await startStore();
    client = valkey.client();
    app = await startTestApp(valkey.url, {
      ...valkey.env,
      ROLES: 'all',
      DEAD_LETTER_MAXLEN: String(FILLERS + 2),
      STREAM_CLAIM_IDLE_MS: '300',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('keeps every dead letter past 100,000 and, at DEAD_LETTER_MAXLEN, leaves the entry pending and counted until there is room', async () => {
    // A systemic failure's worth of dead letters already there, written by a script in blocks of 10,000 (a pipeline of
    // 100,000 commands through the cluster client took 79 s once on this loaded 2-core machine).
    const fill =
      "for i = 0, ARGV[2] - 1 do redis.call('XADD', KEYS[1], '*', 'dlq_error', 'filler', 'n', ARGV[1] + i) end";
    for (let i = 0; i < FILLERS; i += 10000) await client.eval(fill, 1, 'dlq:classify', i, 10000);
    const [[oldest]] = await client.xrange('dlq:classify', '-', '+', 'COUNT', 1);
    for (const id of ['bad id a', 'bad id b', 'bad id c']) {
      await client.xadd('news_raw', '*', 'id', id, 'title', 'T', 'body', 'B');
    }
    const pending = async (): Promise<number> =>
      Number(((await client.xpending('news_raw', 'classifiers')) as [number])[0]);
    // Two fit under the cap; the third is not acknowledged (nothing is dropped to make room).
    await eventually(async () => (await client.xlen('dlq:classify')) === FILLERS + 2 && (await pending()) === 1);
    expect(await client.xrange('dlq:classify', oldest, oldest)).toHaveLength(1);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/skein_dead_letters_refused_total\{stage="classify"\} [1-9]/);

    // Room again (an operator deleted one): the entry left pending is dead-lettered at its next reclaim.
    expect((await json(`${app.url}/dead-letters/classify/${oldest}`, { method: 'DELETE' })).body).toEqual({
      deleted: 1,
    });
    await eventually(async () => (await pending()) === 0, 15000);
    const [[, newest]] = await client.xrevrange('dlq:classify', '+', '-', 'COUNT', 1);
    expect(newest[newest.indexOf('id') + 1]).toBe('bad id c');
    expect(await client.xlen('dlq:classify')).toBe(FILLERS + 2);
  });

  it('answers at most 1 MiB of dead letters per page, and paging with next_after walks every one once', async () => {
    const body = 'x'.repeat(100_000);
    const pipeline = client.pipeline();
    for (let i = 0; i < 30; i++) {
      pipeline.xadd(
        'dlq:enrich',
        '*',
        'dlq_error',
        'too big',
        'dlq_stream',
        'classified_stream',
        'n',
        String(i),
        'body',
        body,
      );
    }
    await pipeline.exec();
    const seen: string[] = [];
    let after = '';
    for (let pages = 0; pages < 30; pages++) {
      const res = await fetch(`${app.url}/dead-letters/enrich?limit=1000${after ? `&after=${after}` : ''}`);
      const text = await res.text();
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
      const got = JSON.parse(text) as Page;
      seen.push(...got.entries.map((entry) => entry.fields.n));
      if (!got.next_after) break;
      after = got.next_after;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
    await client.del('dlq:enrich');
  });
});
