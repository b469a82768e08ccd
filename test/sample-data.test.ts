import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { DEMO_USERS } from '../src/modules/feeds/demo-users.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

// What `make run` shows a newcomer: SAMPLE_DATA=true seeds demo users and replays the sample corpus, a first burst
// and then a steady trickle under ids unique to the run.
describe('make run sample data', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, { SAMPLE_DATA: 'true' });
  });

  afterAll(async () => {
    await app.close();
    await valkey.stop();
  });

  it('delivers the steady replay, not only the first burst, to the demo users’ feeds, with no dead letters', async () => {
    const feedIds = async (): Promise<string[]> => {
      const ids: string[] = [];
      for (const uid of Object.keys(DEMO_USERS)) {
        const res = await json<{ items: { id: string }[] }>(`${app.url}/users/${uid}/feed?limit=200`);
        ids.push(...res.body.items.map((item) => item.id));
      }
      return ids;
    };
    // Burst ids are the corpus's own (`sample-0001`); the steady replay's carry the run's tag (`sample-0061.<run>`).
    const steady = await eventually(async () => (await feedIds()).some((id) => id.includes('.')), 30000, 200);
    expect(steady).toBe(true);
    expect((await feedIds()).filter((id) => !id.includes('.')).length).toBeGreaterThan(0);
    expect(await client.exists('dlq:classify', 'dlq:enrich', 'dlq:fanout')).toBe(0);
  });
});
