import { eventually } from './support/app.js';
import { spawnApp } from './support/process.js';
import { TestValkey } from './support/valkey.js';

const TOPIC_WORDS = [
  'The central bank raised interest rates and bond yields climbed',
  'The striker scored twice as the team won the league match',
  'Researchers published a study on a new vaccine for children',
  'Parliament voted on the election reform bill after a long debate',
];

describe('a classify,enrich replica killed mid-stream', () => {
  let valkey: TestValkey;

  beforeAll(async () => {
    valkey = await TestValkey.start();
  });

  afterAll(async () => {
    await valkey.stop();
  });

  it('loses no article: after kill -9 and a new replica, every article reaches enriched_stream', async () => {
    const client = valkey.client();
    const total = 3000;
    const pipeline = client.pipeline();
    for (let i = 0; i < total; i++) {
      const text = TOPIC_WORDS[i % TOPIC_WORDS.length];
      pipeline.xadd(
        'news_raw',
        '*',
        'id',
        `k${i}`,
        'title',
        `${text} (${i})`,
        'body',
        `${text}. More details followed on day ${i}.`,
      );
    }
    await pipeline.exec();

    const env = {
      VALKEY_URL: valkey.url,
      ROLES: 'classify,enrich',
      STREAM_CLAIM_IDLE_MS: '1000',
      STREAM_BATCH_SIZE: '50',
      CONSUMER_NAME: 'crashy',
    };
    const first = await spawnApp(env);
    // Kill it while it is part-way through.
    await eventually(async () => (await client.xlen('enriched_stream')) > 200, 30000, 20);
    await first.kill9();
    const partial = await client.xlen('enriched_stream');
    expect(partial).toBeLessThan(total);

    // A new replica under another name: it must reclaim the dead one's pending entries via XAUTOCLAIM.
    const second = await spawnApp({ ...env, CONSUMER_NAME: 'rescuer' });
    try {
      const ids = await eventually(
        async () => {
          const entries = await client.xrange('enriched_stream', '-', '+');
          const seen = new Set(entries.map(([, f]) => (JSON.parse(f[1]) as { id: string }).id));
          return seen.size === total ? seen : undefined;
        },
        60000,
        250,
      );
      expect(ids.size).toBe(total);
      await eventually(async () => {
        const groups = (await client.xinfo('GROUPS', 'classified_stream')) as unknown[][];
        const pending = Number(groups[0][groups[0].indexOf('pending') + 1]);
        return pending === 0;
      }, 20000);
      expect(await client.xlen('dlq:classify')).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
