// What OpenTelemetry tracing costs the news pipeline (issue 19's floor: on costs ≤ 5% of pipeline throughput): the
// built app (dist/main.js, ROLES=all, child processes) with tracing off (no OTEL_* variable: the SDK is never loaded)
// and on (OTEL_EXPORTER_OTLP_ENDPOINT set, the default http/protobuf exporter and batch processor, every trace
// sampled), in the same run. The "on" side exports to a stand-in OTLP/HTTP receiver in this process that answers 200
// and drops what it gets, after counting the spans (so the figures show the spans were really made and sent). Both
// apps run side by side, each on its own fresh Valkey, with 10 active users following every topic (each article is
// delivered to 10 feeds); rounds interleave the sides (off, on, on, off, …) so the host's drifting noise falls on both
// alike, and every figure is the median of its rounds. Per round and side:
//   - throughput: N articles POSTed to /articles/batch (100 per request, two requests in flight), timed from the first
//     request to the pipeline being drained (every group of news_raw, classified_stream and enriched_stream with
//     nothing pending and no lag: every article classified, enriched and fanned out into the feeds);
//   - ingest latency: POST /articles at 250/s (the latency scenario's rate), open loop from a worker thread; p50/p99
//     of the acknowledgements, then drained before the next measurement.
// Besides, the server's CPU per article over the throughput phase (from /proc): steadier than wall time on a shared host.
//   bash scripts/build-bench.sh && node .bench-dist/bench/tracing.js [--quick]
import { Valkey } from 'iovalkey';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { TOPICS } from '../src/news/topics.js';
import { spawnApp, type AppProcess } from '../test/support/process.js';
import { drained } from './latency.js';
import { openLoop } from './open-loop.js';
import { ensureBuilt, freshValkey, median, percentile, processCpuMs, progress } from './support.js';
import { article } from './workload.js';

type Mode = 'off' | 'on';

const USERS = 10;
const INGEST_RATE = 250;
const BATCH = 100;
const IN_FLIGHT = 2;

/** An OTLP/HTTP endpoint that accepts every export and drops it, counting its spans. */
class SpanSink {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    private readonly received: { spans: number },
  ) {}

  /** Spans received so far. */
  get spans(): number {
    return this.received.spans;
  }

  static async start(): Promise<SpanSink> {
    const received = { spans: 0 };
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.spans += countSpans(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return new SpanSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}

/**
 * Spans in an ExportTraceServiceRequest (protobuf): resource_spans (1) → scope_spans (2) → spans (2), walking only
 * the length prefixes of those three levels (no decoding of the spans themselves).
 */
function countSpans(body: Buffer): number {
  const fields = (buffer: Buffer, wanted: number): Buffer[] => {
    const found: Buffer[] = [];
    let at = 0;
    const varint = (): number => {
      let value = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = buffer[at++];
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return value;
      }
    };
    while (at < buffer.length) {
      const key = varint();
      const wire = key & 7;
      if (wire === 0) varint();
      else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else if (wire === 2) {
        const length = varint();
        if (Math.floor(key / 8) === wanted) found.push(buffer.subarray(at, at + length));
        at += length;
      } else return found;
    }
    return found;
  };
  let spans = 0;
  for (const resource of fields(body, 1)) for (const scope of fields(resource, 2)) spans += fields(scope, 2).length;
  return spans;
}

interface Side {
  mode: Mode;
  app: AppProcess;
  client: Valkey;
  stopValkey: () => Promise<void>;
  /** The next article number this side sends (ids stay unique across rounds: the same id twice is one article). */
  nextArticle: number;
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

async function start(mode: Mode, sink: SpanSink): Promise<Side> {
  const server = await freshValkey();
  const app = await spawnApp({
    VALKEY_URL: server.url,
    ROLES: 'all',
    LOG_LEVEL: 'error',
    ...(mode === 'on' ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_SERVICE_NAME: 'skein-bench' } : {}),
  });
  const side: Side = { mode, app, client: new Valkey(server.url), stopValkey: server.stop, nextArticle: 0 };
  for (let u = 0; u < USERS; u++) {
    await call(`${app.url}/users/u${u}/topics`, 'PUT', { topics: TOPICS });
    await call(`${app.url}/users/u${u}/feed?limit=1`, 'GET'); // a feed read marks the user active
  }
  return side;
}

interface Throughput {
  perSecond: number;
  cpuMsPerArticle: number;
  spansPerArticle: number;
}

/** `count` articles through ingest → classify → enrich → fanout, from the first POST to the pipeline drained. */
async function throughput(side: Side, count: number, sink: SpanSink): Promise<Throughput> {
  const from = side.nextArticle;
  side.nextArticle += count;
  const batches = Array.from({ length: Math.ceil(count / BATCH) }, (_, b) =>
    Array.from({ length: Math.min(BATCH, count - b * BATCH) }, (_, i) => article(from + b * BATCH + i)),
  );
  const spans0 = sink.spans;
  const cpu0 = processCpuMs(side.app.child.pid!);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < batches.length) await call(`${side.app.url}/articles/batch`, 'POST', { articles: batches[next++] });
    }),
  );
  await drained(side.client, 180000);
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = processCpuMs(side.app.child.pid!) - cpu0;
  // Spans still in the exporter's batch arrive within its schedule delay (5 s): counted for the side that made them.
  const spansPerArticle = side.mode === 'on' ? await settledSpans(sink, spans0, count) : 0;
  return { perSecond: count / seconds, cpuMsPerArticle: cpuMs / count, spansPerArticle };
}

/** Spans received since `spans0` once no more arrive for 6 s (past the batch processor's 5 s delay), per article. */
async function settledSpans(sink: SpanSink, spans0: number, count: number): Promise<number> {
  let last = -1;
  while (sink.spans !== last) {
    last = sink.spans;
    await new Promise((resolve) => setTimeout(resolve, 6000));
  }
  return (sink.spans - spans0) / count;
}

async function ingestLatency(side: Side, seconds: number): Promise<{ p50: number; p99: number }> {
  const count = Math.round(INGEST_RATE * seconds);
  const from = side.nextArticle;
  side.nextArticle += count;
  const bodies = Array.from({ length: count }, (_, i) => JSON.stringify(article(from + i)));
  const latencies = (await openLoop({ url: `${side.app.url}/articles`, bodies, rate: INGEST_RATE, status: 202 }))
    .latencies;
  await drained(side.client, 60000);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  ensureBuilt();
  const count = opts.quick ? 3000 : 10000;
  const ingestSeconds = opts.quick ? 5 : 15;
  const rounds = opts.quick ? 3 : 5;
  const sink = await SpanSink.start();
  const sides: Side[] = [];
  const results: Record<string, number> = {};
  try {
    sides.push(await start('off', sink));
    sides.push(await start('on', sink));
    // JIT, connections, scripts loaded, the classifier trained, the exporter's connection open.
    for (const side of sides) {
      await throughput(side, 500, sink);
      await ingestLatency(side, 2);
    }
    if (sink.spans === 0) throw new Error('tracing on exported no span to the stand-in receiver');

    const runs: Record<Mode, Throughput[]> = { off: [], on: [] };
    const ingest: Record<Mode, { p50: number; p99: number }[]> = { off: [], on: [] };
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      const line: string[] = [];
      for (const side of order) {
        const t = await throughput(side, count, sink);
        const l = await ingestLatency(side, ingestSeconds);
        runs[side.mode].push(t);
        ingest[side.mode].push(l);
        results[`tracing_${side.mode}_articles_per_s_round_${round + 1}`] = Math.round(t.perSecond);
        line.push(
          `tracing ${side.mode}: ${Math.round(t.perSecond)} articles/s, ${t.cpuMsPerArticle.toFixed(3)} ms CPU per ` +
            `article${side.mode === 'on' ? `, ${t.spansPerArticle.toFixed(2)} spans per article` : ''}, ingest ` +
            `p50 ${l.p50.toFixed(2)} / p99 ${l.p99.toFixed(2)} ms`,
        );
      }
      const [off, on] = [runs.off[round], runs.on[round]];
      ratios.push(on.perSecond / off.perSecond);
      progress(
        `tracing round ${round + 1} of ${rounds} (${count} articles; ingest ${ingestSeconds} s): ${line.join('; ')}`,
      );
    }

    for (const mode of ['off', 'on'] as const) {
      results[`tracing_${mode}_articles_per_s`] = Math.round(median(runs[mode].map((t) => t.perSecond)));
      results[`tracing_${mode}_cpu_ms_per_article`] = Number(
        median(runs[mode].map((t) => t.cpuMsPerArticle)).toFixed(3),
      );
      results[`tracing_${mode}_ingest_p50_ms`] = Number(median(ingest[mode].map((l) => l.p50)).toFixed(3));
      results[`tracing_${mode}_ingest_p99_ms`] = Number(median(ingest[mode].map((l) => l.p99)).toFixed(3));
    }
    // Throughput lost to tracing, from the median of the per-round on/off ratios (negative = within noise).
    results.tracing_throughput_cost_pct = Math.round((1 - median(ratios)) * 1000) / 10;
    results.tracing_cpu_cost_pct =
      Math.round((results.tracing_on_cpu_ms_per_article / results.tracing_off_cpu_ms_per_article - 1) * 1000) / 10;
    results.tracing_spans_per_article = Number(median(runs.on.map((t) => t.spansPerArticle)).toFixed(2));
    results.tracing_articles = count;
    progress(
      `tracing (medians of ${rounds} rounds): ${results.tracing_off_articles_per_s} → ` +
        `${results.tracing_on_articles_per_s} articles/s (cost ${results.tracing_throughput_cost_pct} %, floor ≤ 5 %), ` +
        `CPU per article ${results.tracing_off_cpu_ms_per_article} → ${results.tracing_on_cpu_ms_per_article} ms ` +
        `(${results.tracing_cpu_cost_pct} %), ingest p99 ${results.tracing_off_ingest_p99_ms} → ` +
        `${results.tracing_on_ingest_p99_ms} ms, ${results.tracing_spans_per_article} spans exported per article`,
    );
  } finally {
    for (const side of sides) {
      side.client.disconnect();
      await side.app.stop();
      await side.stopValkey();
    }
    await sink.close();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
