import { startTestApp, json, type TestApp } from './support/app.js';
import { TestValkeyCluster } from './support/valkey-cluster.js';

describe('Skein on a Valkey Cluster', () => {
  let cluster: TestValkeyCluster;
  let app: TestApp;

  beforeAll(async () => {
    cluster = await TestValkeyCluster.start();
    app = await startTestApp('', cluster.env);
  }, 60000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('starts and answers health', async () => {
    const res = await json(`${app.url}/health`);
    expect(res.status).toBe(200);
  });
});
