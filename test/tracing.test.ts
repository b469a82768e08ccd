import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { spawnApp, type AppProcess } from './support/process.js';
import { TestValkey } from './support/valkey.js';

const STAGES = ['skein.ingest', 'skein.classify', 'skein.enrich', 'skein.fanout'];

/** What Prometheus sends when it scrapes. */
const OPENMETRICS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

interface Exemplar {
  family: string;
  labels: string;
  traceId: string;
}

/** The exemplars of an OpenMetrics exposition's histogram buckets: `name_bucket{labels} n # {trace_id="…"} v ts`. */
function exemplars(text: string): Exemplar[] {
  return [...text.matchAll(/^(\w+)_bucket\{([^}]*)\} \S+ # \{trace_id="([0-9a-f]{32})"\} \S+ \S+$/gm)].map(
    ([, family, labels, traceId]) => ({ family, labels, traceId }),
  );
}

function article(i: number): Record<string, string> {
  return {
    id: `traced-${i}-${randomBytes(3).toString('hex')}`,
    title: `The striker scored twice as the team won the league match (${i})`,
    body: 'The striker scored twice in the second half and the team won the league match at home.',
  };
}

/** The four stage spans of one article, found by its id, once the last of them has arrived. */
async function stageSpans(receiver: OtlpReceiver, id: string): Promise<ReceivedSpan[]> {
  return eventually(
    () => {
      const ingest = receiver.spans.find((s) => s.name === 'skein.ingest' && s.attributes['skein.article.id'] === id);
      if (!ingest) return undefined;
      const trace = receiver.inTrace(ingest.traceId);
      const found = STAGES.map((name) => trace.find((span) => span.name === name));
      return found.every(Boolean) ? (found as ReceivedSpan[]) : undefined;
    },
    30000,
    100,
  );
}

describe('OpenTelemetry: one trace per article across the four stages and two processes', () => {
  let valkey: TestValkey;
  let receiver: OtlpReceiver;
  let api: AppProcess;
  let fanout: AppProcess;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    receiver = await OtlpReceiver.start();
    const common = {
      VALKEY_URL: valkey.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Read by the SDK itself: batches leave every 100 ms instead of every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      STREAM_BLOCK_MS: '200',
      // The entries stay for the last test to read.
      STREAM_TRIM_INTERVAL_MS: '3600000',
    };
    [api, fanout] = await Promise.all([
      spawnApp({
        ...common,
        ROLES: 'api,classify,enrich,llm',
        LLM_SIMULATED_TOKEN_DELAY_MS: '1',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'skein-api',
      }),
      // The other process exports protobuf: both encodings reach the one receiver.
      spawnApp({
        ...common,
        ROLES: 'fanout',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_SERVICE_NAME: 'skein-fanout',
      }),
    ]);
  }, 60000);

  afterAll(async () => {
    await Promise.all([api?.stop(), fanout?.stop()]);
    await receiver?.close();
    await valkey?.stop();
  });

  it('continues the caller’s traceparent: ingest, classify, enrich and fanout in its trace, each the child of the last', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const sent = article(1);
    const res = await json<{ id: string }>(`${api.url}/articles`, {
      body: sent,
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(res.status).toBe(202);

    const [ingest, classify, enrich, fanoutSpan] = await stageSpans(receiver, res.body.id);
    for (const span of [ingest, classify, enrich, fanoutSpan]) expect(span.traceId).toBe(traceId);
    // skein.ingest runs inside the HTTP server span, which is the caller's span's child.
    const server = receiver.spans.find((span) => span.spanId === ingest.parentSpanId);
    expect(server?.parentSpanId).toBe(callerSpan);
    expect(classify.parentSpanId).toBe(ingest.spanId);
    expect(enrich.parentSpanId).toBe(classify.spanId);
    expect(fanoutSpan.parentSpanId).toBe(enrich.spanId);
    expect([ingest, classify, enrich].map((span) => span.service)).toEqual(['skein-api', 'skein-api', 'skein-api']);
    expect(fanoutSpan.service).toBe('skein-fanout');
    expect(receiver.contentTypes).toEqual(
      expect.arrayContaining([expect.stringMatching(/json/), expect.stringMatching(/protobuf/)]),
    );
    // Its Valkey call: a client span under the same HTTP server span.
    const script = receiver.inTrace(traceId).find((span) => span.name === 'EVALSHA ingest.lua');
    expect(script?.parentSpanId).toBe(server?.spanId);
    expect(script?.attributes['db.system.name']).toBe('valkey');
  });

  it('starts a new trace for a malformed traceparent, carried through every stage all the same', async () => {
    const res = await json<{ id: string }>(`${api.url}/articles`, {
      body: article(2),
      headers: { traceparent: '00-not-a-trace-01' },
    });
    expect(res.status).toBe(202);
    const [ingest, classify, enrich, fanoutSpan] = await stageSpans(receiver, res.body.id);
    expect(ingest.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ingest.traceId).not.toBe('0'.repeat(32));
    const server = receiver.spans.find((span) => span.spanId === ingest.parentSpanId);
    expect(server?.parentSpanId).toBe('');
    expect([classify.parentSpanId, enrich.parentSpanId, fanoutSpan.parentSpanId]).toEqual([
      ingest.spanId,
      classify.spanId,
      enrich.spanId,
    ]);
  });

  it('traces an LLM generation in the trace of the request that started it', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await json<{ id: string }>(`${api.url}/llm/streams`, {
      body: { prompt: 'Explain how Valkey streams work', max_tokens: 5 },
      headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(res.status).toBe(201);
    const generate = await eventually(
      () => receiver.inTrace(traceId).find((span) => span.name === 'skein.llm.generate'),
      30000,
      100,
    );
    const server = receiver.spans.find((span) => span.spanId === generate.parentSpanId);
    expect(server?.parentSpanId).toBe(callerSpan);
    expect(generate.attributes['skein.stream']).toBe('llm:requests');
  });

  it('puts trace ids as exemplars on the HTTP and stage latency histograms, in the OpenMetrics format only', async () => {
    const traceId = randomBytes(16).toString('hex');
    const res = await json<{ id: string }>(`${api.url}/articles`, {
      body: article(4),
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(res.status).toBe(202);
    await stageSpans(receiver, res.body.id);

    const scrape = await fetch(`${api.url}/metrics`, { headers: { accept: OPENMETRICS_ACCEPT } });
    expect(scrape.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const text = await scrape.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    const found = exemplars(text);
    const received = new Set(receiver.spans.map((span) => span.traceId));

    const ingest = found.filter((e) => e.family === 'skein_http_request_duration_seconds');
    // This request's bucket holds its trace unless a later /articles request of the same duration took its place.
    expect(ingest.filter((e) => e.labels.includes('route="/articles"')).map((e) => e.traceId)).toContain(traceId);
    for (const stage of ['classify', 'enrich']) {
      const ofStage = found.filter(
        (e) => e.family === 'skein_stage_batch_duration_seconds' && e.labels.includes(`stage="${stage}"`),
      );
      expect(ofStage.length).toBeGreaterThan(0);
      // Each points to a trace the receiver got, holding that stage's span.
      for (const { traceId: id } of ofStage) {
        expect(received.has(id)).toBe(true);
        expect(receiver.inTrace(id).map((span) => span.name)).toContain(`skein.${stage}`);
      }
    }
    // Never a label per trace.
    expect(text).not.toMatch(/^skein_\w+\{[^}]*trace_id=/m);

    const plain = await fetch(`${api.url}/metrics`);
    expect(plain.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const plainText = await plain.text();
    expect(plainText).toContain('skein_stage_processed_total{stage="classify"}');
    expect(plainText).not.toContain('trace_id');
  });

  it('writes the stage span’s traceparent into every stream entry', async () => {
    const client = valkey.client();
    for (const stream of ['news_raw', 'classified_stream', 'enriched_stream']) {
      const entries = await client.xrange(stream, '-', '+');
      expect(entries.length).toBeGreaterThan(0);
      for (const [, flat] of entries) {
        expect(flat[flat.indexOf('traceparent') + 1]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      }
    }
  });
});

describe('OpenTelemetry off (no OTLP endpoint set)', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { ROLES: 'api,classify,enrich', STREAM_TRIM_INTERVAL_MS: '3600000' });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('writes no traceparent field, whatever the request carries', async () => {
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    expect((await json(`${app.url}/articles`, { body: article(3), headers: { traceparent } })).status).toBe(202);
    const client = valkey.client();
    await eventually(async () => (await client.xlen('classified_stream')) === 1);
    for (const stream of ['news_raw', 'classified_stream']) {
      const [[, flat]] = await client.xrange(stream, '-', '+');
      expect(flat).not.toContain('traceparent');
    }
  });

  it('serves no exemplar: the latency histograms record without a trace', async () => {
    expect((await json(`${app.url}/articles`, { body: article(5) })).status).toBe(202);
    expect((await json(`${app.url}/users/obs-1/feed`)).status).toBe(200);
    expect((await json(`${app.url}/no-such-route`)).status).toBe(404);
    const text = await (await fetch(`${app.url}/metrics`, { headers: { accept: OPENMETRICS_ACCEPT } })).text();
    // Route templates, never the paths asked for.
    for (const series of [
      'method="POST",route="/articles",status="202"',
      'method="GET",route="/users/:uid/feed",status="200"',
      'method="GET",route="other",status="404"',
    ]) {
      expect(text).toContain(`skein_http_request_duration_seconds_count{${series}} `);
    }
    expect(text).not.toContain('obs-1');
    expect(exemplars(text)).toEqual([]);
  });
});
