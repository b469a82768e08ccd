import calculateSlot from 'cluster-key-slot';
import { freePort } from '../src/valkey/embedded-valkey.js';
import { startTestApp, json, eventually, type TestApp } from './support/app.js';
import { configError } from './support/config.js';
import { ONE_LINE, failedStart } from './support/process.js';
import { TestValkeyCluster } from './support/valkey-cluster.js';
import { TestValkey } from './support/valkey.js';

describe('VALKEY_CLUSTER_NODES at start', () => {
  it('is refused together with VALKEY_URL, naming both', () => {
    expect(configError({ VALKEY_URL: 'redis://a:6379', VALKEY_CLUSTER_NODES: 'b:7000' })).toContain(
      'both VALKEY_URL and VALKEY_CLUSTER_NODES are set',
    );
  });

  it('is refused when it is not a list of host:port, naming the variable, passwords hidden', () => {
    const error = configError({ VALKEY_CLUSTER_NODES: 'redis://u:hunter2@a:7000,not a node' });
    expect(error).toContain('VALKEY_CLUSTER_NODES');
    expect(error).toContain('must be host:port');
    expect(error).not.toContain('hunter2');
  });

  it('stops the start with one line when a node is a single server, not a cluster node', async () => {
    const single = await TestValkey.start();
    try {
      const failure = await failedStart({ VALKEY_URL: '', VALKEY_CLUSTER_NODES: `127.0.0.1:${single.port}` });
      expect(failure.exit).toBe(1);
      expect(failure.stderr).toMatch(ONE_LINE);
      expect(failure.stderr).toContain(`redis://127.0.0.1:${single.port}`);
      expect(failure.stderr).toContain('is not a cluster node');
      expect(failure.stderr).toContain('set VALKEY_URL instead');
    } finally {
      await single.stop();
    }
  });

  it('stops the start within VALKEY_CONNECT_TIMEOUT_MS naming the nodes, password hidden, when none answers', async () => {
    const port = await freePort();
    const failure = await failedStart({
      VALKEY_URL: '',
      VALKEY_CLUSTER_NODES: `redis://skein:hunter2@127.0.0.1:${port}`,
      VALKEY_CONNECT_TIMEOUT_MS: '1000',
    });
    expect(failure.exit).toBe(1);
    expect(failure.stderr).toMatch(ONE_LINE);
    expect(failure.stderr).toContain(`VALKEY_CLUSTER_NODES=redis://skein:<redacted>@127.0.0.1:${port}`);
    expect(failure.stderr).toContain('ECONNREFUSED');
    expect(failure.stderr).not.toContain('hunter2');
  });
});

describe('Skein on a Valkey Cluster with a node down', () => {
  let cluster: TestValkeyCluster;
  let app: TestApp;

  beforeAll(async () => {
    cluster = await TestValkeyCluster.start();
    app = await startTestApp('', { ...cluster.env, ROLES: 'api' });
  }, 60000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('answers POST /articles, then a 503 with Retry-After while the node holding news_raw is down, never a 500', async () => {
    const article = (id: string) => ({
      method: 'POST',
      body: { id, title: `Title ${id}`, body: 'Markets rose today.' },
    });
    expect((await json(`${app.url}/articles`, article('before-down'))).status).toBe(202);
    const owner = await cluster.ownerOf(calculateSlot(app.config.env.KEY_PREFIX + 'news_raw'));
    await owner.kill9();
    const res = await eventually(async () => {
      const answer = await json<{ message: string }>(`${app.url}/articles`, article('while-down'));
      if (answer.status === 202) throw new Error('still accepted');
      return answer;
    }, 30000);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
