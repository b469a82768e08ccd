import calculateSlot from 'cluster-key-slot';
import { readArticles, SAMPLE_CORPUS } from '../src/modules/ingest/replay.js';
import { TOPICS } from '../src/news/topics.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkeyCluster } from './support/valkey-cluster.js';

const UID = 'failover-reader';

/**
 * A primary killed (kill -9) mid-load on a cluster with one replica per primary: its replica takes over, the app
 * follows the new slot map, and every article the app accepted reaches the feed exactly once.
 */
describe('Skein on a Valkey Cluster through a failover', () => {
  let cluster: TestValkeyCluster;
  let app: TestApp;

  beforeAll(async () => {
    cluster = await TestValkeyCluster.start({ primaries: 3, replicasPerPrimary: 1 });
    app = await startTestApp('', {
      ...cluster.env,
      ROLES: 'all',
      STREAM_CLAIM_IDLE_MS: '2000',
      VALKEY_SOCKET_TIMEOUT_MS: '2000',
    });
    expect((await json(`${app.url}/users/${UID}/topics`, { method: 'PUT', body: { topics: TOPICS } })).status).toBe(
      200,
    );
    // A feed read marks the user active, so fan-out on write reaches them.
    expect((await json(`${app.url}/users/${UID}/feed`)).status).toBe(200);
  }, 90000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('loses and doubles nothing accepted when the primary holding news_raw is killed mid-load', async () => {
    const sample = readArticles(SAMPLE_CORPUS);
    const accepted = new Set<string>();
    const slot = calculateSlot(`${app.config.env.KEY_PREFIX}news_raw`);
    const victim = await cluster.ownerOf(slot);
    let answers503 = 0;
    const post = async (n: number): Promise<void> => {
      const source = sample[n % sample.length];
      const id = `fo-${n}`;
      // A 503 (the node is down, a failover under way) is retried with the same id: one article, whatever happens.
      for (let attempt = 0; attempt < 100; attempt++) {
        const res = await json(`${app.url}/articles`, {
          method: 'POST',
          body: { id, title: source.title, body: source.body },
        }).catch(() => ({ status: 0 }));
        if (res.status === 202) {
          accepted.add(id);
          return;
        }
        expect([0, 503]).toContain(res.status);
        answers503++;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const started = Date.now();
    const load: Promise<void>[] = [];
    let killed = false;
    for (let n = 0; Date.now() - started < 8000; n++) {
      load.push(post(n));
      if (!killed && Date.now() - started > 2000) {
        killed = true;
        await victim.kill9();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(load);
    expect(killed).toBe(true);
    expect(accepted.size).toBeGreaterThan(50);
    // The replica now holds the slot.
    const owner = await cluster.ownerOf(slot);
    expect(owner).not.toBe(victim);
    expect(cluster.replicas).toContain(owner);

    const feed = await eventually(
      async () => {
        const res = await json<{ items: { id: string }[] }>(`${app.url}/users/${UID}/feed?limit=1000`);
        const ids = res.body.items.map((item) => item.id);
        return ids.length >= accepted.size ? ids : undefined;
      },
      60000,
      250,
    );
    expect(new Set(feed).size).toBe(feed.length);
    expect([...accepted].filter((id) => !feed.includes(id))).toEqual([]);
    console.log(`failover: ${accepted.size} accepted, ${answers503} answers 503 during the failover`);
  }, 120000);
});
