import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import type { EmbeddedValkeyOptions } from '../src/valkey/embedded-valkey.js';
import { slotOf } from '../src/valkey/slots.js';
import { json, startTestApp, type TestApp } from './support/app.js';
import { TOPOLOGY } from './support/topology.js';
import { TestValkey } from './support/valkey.js';
import { TestValkeyCluster } from './support/valkey-cluster.js';

// Per file: jest takes testTimeout only from the root config, not a project's (a cluster start takes seconds).
jest.setTimeout(60000);

const article = (id: string) => ({ id, title: `Durable ${id}`, body: `The bank kept its main rate (${id}).` });

/** An append-only Valkey on this run's topology, whose server holding `news_raw` can be killed with -9. */
interface DurableStore {
  url: string;
  env: Record<string, string>;
  client(): Valkey;
  /** kill -9 of the server holding news_raw (a cluster's primary of its slot), then the same server again. */
  kill9AndRestartWriter(): Promise<void>;
  stop(): Promise<void>;
}

async function startDurable(appendFsync: EmbeddedValkeyOptions['appendFsync']): Promise<DurableStore> {
  if (TOPOLOGY === 'cluster') {
    const cluster = await TestValkeyCluster.start({ appendOnly: true, appendFsync });
    return {
      url: '',
      env: cluster.env,
      client: () => cluster.client() as unknown as Valkey,
      async kill9AndRestartWriter() {
        // The node rejoins with its nodes.conf (same id, same slots) and loads its append-only file.
        await (await cluster.ownerOf(slotOf('news_raw'))).kill9AndRestart(0);
        await cluster.waitHealthy();
      },
      stop: () => cluster.stop(),
    };
  }
  const valkey = await TestValkey.start({ appendOnly: true, appendFsync });
  return {
    url: valkey.url,
    env: {},
    client: () => valkey.client(),
    kill9AndRestartWriter: () => valkey.kill9AndRestart(0),
    stop: () => valkey.stop(),
  };
}

describe(`INGEST_WAITAOF: a 202 means the article is fsynced to the append-only file (${TOPOLOGY})`, () => {
  let store: DurableStore | undefined;
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    await store?.stop();
    app = store = undefined;
  });

  it('with appendfsync everysec, every article answered 202 is still there after a kill -9 of Valkey right after', async () => {
    store = await startDurable('everysec');
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api', INGEST_WAITAOF: 'true' });
    const accepted: string[] = [];
    // 10 concurrent producers, 300 articles, single and batch routes; Valkey dies the moment the last 202 arrives.
    const ids = Array.from({ length: 300 }, (_, i) => `dur-${i}`);
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        for (let i = w; i < ids.length; i += 10) {
          const res =
            i % 3 === 0
              ? await json(`${app!.url}/articles/batch`, { body: { articles: [article(ids[i])] } })
              : await json(`${app!.url}/articles`, { body: article(ids[i]) });
          if (res.status === 202) accepted.push(ids[i]);
        }
      }),
    );
    await store.kill9AndRestartWriter();

    const client = store.client();
    const entries = (await client.xrange('news_raw', '-', '+')) as [string, string[]][];
    const inStream = new Set(entries.map(([, fields]) => fields[fields.indexOf('id') + 1]));
    const lost = accepted.filter((id) => !inStream.has(id));
    expect({ accepted: accepted.length, lost }).toEqual({ accepted: 300, lost: [] });
  });

  it('answers 503 with Retry-After, naming WAITAOF, when the server never confirms an fsync (appendfsync no)', async () => {
    store = await startDurable('no');
    app = await startTestApp(store.url, {
      ...store.env,
      ROLES: 'api',
      INGEST_WAITAOF: 'true',
      INGEST_WAITAOF_TIMEOUT_MS: '200',
    });
    for (const res of [
      await json<{ message: string }>(`${app.url}/articles`, { body: article('nofsync-1') }),
      await json<{ message: string }>(`${app.url}/articles/batch`, { body: { articles: [article('nofsync-2')] } }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body.message).toContain('INGEST_WAITAOF');
    }
  });

  it('without INGEST_WAITAOF the same server answers 202 at once', async () => {
    store = await startDurable('no');
    app = await startTestApp(store.url, { ...store.env, ROLES: 'api' });
    expect((await json(`${app.url}/articles`, { body: article('plain-1') })).status).toBe(202);
  });
});
