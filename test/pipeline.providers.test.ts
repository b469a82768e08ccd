import { Valkey } from 'iovalkey';
import { register } from 'prom-client';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { StandIn } from './support/stand-in.js';
import { TestValkey } from './support/valkey.js';

async function enriched(client: Valkey): Promise<Record<string, unknown>[]> {
  const entries = await client.xrange('enriched_stream', '-', '+');
  return entries.map(([, fields]) => JSON.parse(fields[1]) as Record<string, unknown>);
}

const SPORTS = {
  id: 'cup-final',
  title: 'Harbour United win the cup final with a late header',
  body: 'The striker scored in the ninetieth minute. The coach praised the defence. Fans celebrated in the stadium until midnight.',
};

describe('Hugging Face providers against a local stand-in', () => {
  let valkey: TestValkey;

  beforeAll(async () => {
    valkey = await TestValkey.start();
  });

  afterAll(async () => {
    await valkey.stop();
  });

  afterEach(async () => {
    await valkey.client().flushall();
  });

  it('classifies zero-shot and summarises through @huggingface/inference, sending the 10 topics as labels', async () => {
    const standIn = await StandIn.start((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/summarize') return void res.end(JSON.stringify([{ summary_text: 'United won late.' }]));
      // Deliberately not what the local model would say, to prove the remote answer is used.
      res.end(JSON.stringify({ labels: ['entertainment', 'sports'], scores: [0.81, 0.19] }));
    });
    let app: TestApp | undefined;
    try {
      app = await startTestApp(valkey.url, {
        ROLES: 'api,classify,enrich',
        CLASSIFIER: 'huggingface',
        SUMMARIZER: 'huggingface',
        HF_TOKEN: 'hf_test_token',
        HF_ENDPOINT_URL: `${standIn.url}/classify`,
        HF_SUMMARIZER_ENDPOINT_URL: `${standIn.url}/summarize`,
      });
      expect((await json(`${app.url}/articles`, { body: SPORTS })).status).toBe(202);
      const [article] = await eventually(async () => {
        const out = await enriched(valkey.client());
        return out.length === 1 ? out : undefined;
      });
      expect(article.topic).toBe('entertainment');
      expect(article.topic_score).toBeCloseTo(0.81);
      expect(article.summary).toBe('United won late.');
      const classify = standIn.requests.find((r) => r.url === '/classify')!;
      expect(classify.headers.authorization).toBe('Bearer hf_test_token');
      const sent = JSON.parse(classify.body) as { inputs: string; parameters: { candidate_labels: string[] } };
      expect(sent.inputs).toContain('Harbour United');
      expect(sent.parameters.candidate_labels).toHaveLength(10);
      expect(sent.parameters.candidate_labels).toContain('climate');
    } finally {
      await app?.close();
      await standIn.stop();
    }
  });

  it('retries a failing endpoint, then classifies locally and counts the fallback; the article is not lost', async () => {
    const standIn = await StandIn.start((_req, res) => void res.writeHead(500).end('model overloaded'));
    let app: TestApp | undefined;
    try {
      const before = await fallbacks();
      app = await startTestApp(valkey.url, {
        ROLES: 'api,classify,enrich',
        CLASSIFIER: 'huggingface',
        HF_ENDPOINT_URL: standIn.url,
        HF_RETRIES: '2',
      });
      expect((await json(`${app.url}/articles`, { body: SPORTS })).status).toBe(202);
      const [article] = await eventually(async () => {
        const out = await enriched(valkey.client());
        return out.length === 1 ? out : undefined;
      });
      expect(article.topic).toBe('sports');
      expect(standIn.requests).toHaveLength(3);
      expect(await fallbacks()).toBe(before + 1);
    } finally {
      await app?.close();
      await standIn.stop();
    }
  });

  it('falls back when the endpoint does not answer within HF_TIMEOUT_MS', async () => {
    const standIn = await StandIn.start(() => undefined); // never answers
    let app: TestApp | undefined;
    try {
      app = await startTestApp(valkey.url, {
        ROLES: 'api,classify,enrich',
        CLASSIFIER: 'huggingface',
        HF_ENDPOINT_URL: standIn.url,
        HF_TIMEOUT_MS: '300',
        HF_RETRIES: '1',
      });
      expect((await json(`${app.url}/articles`, { body: SPORTS })).status).toBe(202);
      const [article] = await eventually(async () => {
        const out = await enriched(valkey.client());
        return out.length === 1 ? out : undefined;
      });
      expect(article.topic).toBe('sports');
      expect(standIn.requests).toHaveLength(2);
    } finally {
      await app?.close();
      await standIn.stop();
    }
  });
});

async function fallbacks(): Promise<number> {
  const metric = await register.getSingleMetric('skein_provider_fallbacks_total')?.get();
  return metric?.values.find((v) => v.labels.kind === 'classifier')?.value ?? 0;
}
