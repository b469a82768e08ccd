// The soak (issue 17): steady mixed load for N minutes (articles, feature pushes and online reads, token streams
// with live viewers) on an api process and three worker processes; samples each process's RSS and Node heap (from
// its /metrics) and Valkey's used_memory every few seconds, and fits the slope after the warm-up.
import { cpus } from 'node:os';
import { io } from 'socket.io-client';
import { Cluster, http, sleep } from './cluster.js';
import { ArticleLoad, FEATURE_VIEW, FeatureLoad, setUpFollowers, startLlmStream, StatusCounts } from './workload.js';

export interface SoakOptions {
  minutes: number;
  articlesPerSecond: number;
  featurePushesPerSecond: number;
  featureReadsPerSecond: number;
  /** A token stream starts this often, each watched by `viewers` Socket.IO viewers. */
  llmEveryMs: number;
  viewers: number;
  sampleEveryMs: number;
  /** Share of the run before the slope is fitted (start-up, JIT, caches filling). */
  warmupShare: number;
}

export const SOAK_DEFAULTS: SoakOptions = {
  minutes: 5,
  articlesPerSecond: 30,
  featurePushesPerSecond: 20,
  featureReadsPerSecond: 20,
  llmEveryMs: 4000,
  viewers: 3,
  sampleEveryMs: 5000,
  warmupShare: 0.3,
};

export interface Sample {
  /** Minutes since the load started. */
  minute: number;
  series: string;
  bytes: number;
}

export interface SoakResult {
  options: SoakOptions;
  startedAt: string;
  durationSeconds: number;
  machine: string;
  samples: Sample[];
  /** Least-squares slope after the warm-up, bytes per minute, per series. */
  slopes: Record<string, number>;
  /** First and last sampled value after the warm-up, per series. */
  range: Record<string, { from: number; to: number }>;
  load: {
    articlesAccepted: number;
    featurePushesAccepted: number;
    featureReads: number;
    llmStreams: number;
    viewersCompleted: number;
    viewersIncomplete: number;
    serverErrors: number;
    byStatus: Record<string, number>;
  };
}

type Log = (message: string) => void;

function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

export async function runSoak(opts: SoakOptions, log: Log = () => undefined): Promise<SoakResult> {
  const started = Date.now();
  const say = (message: string): void => log(`[soak ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);
  const cluster = await Cluster.start({
    appendFsync: 'everysec',
    // Production-like caps: feeds at their default size, so retained data stays bounded where Skein bounds it.
    env: { FEED_MAX: '200', LOG_LEVEL: 'warn' },
    workers: [
      { name: 'ce1', roles: 'classify,enrich,llm' },
      { name: 'ce2', roles: 'classify,enrich,llm' },
      { name: 'fo1', roles: 'fanout,features' },
    ],
  });
  const api = cluster.api.url;
  const samples: Sample[] = [];
  const statuses = new StatusCounts();
  let stop = false;
  let viewersCompleted = 0;
  let viewersIncomplete = 0;
  let llmStreams = 0;
  let featureReads = 0;
  try {
    await setUpFollowers(api);
    const features = new FeatureLoad(
      api,
      Array.from({ length: 200 }, (_, i) => `s${i}`),
    );
    await features.register();
    const articles = new ArticleLoad(api, 'soak');
    const loadStart = Date.now();
    const endAt = loadStart + opts.minutes * 60000;
    const stopped = (): boolean => stop || Date.now() >= endAt;
    say(`load for ${opts.minutes} min`);

    const sampler = (async () => {
      while (!stopped()) {
        const minute = (Date.now() - loadStart) / 60000;
        for (const { name, process } of cluster.processes) {
          const res = await http<string>(`${process.url}/metrics`);
          if (res.status !== 200) continue;
          const rss = metric(res.body, 'skein_process_resident_memory_bytes');
          const heap = metric(res.body, 'skein_nodejs_heap_size_used_bytes');
          if (rss !== undefined) samples.push({ minute, series: `${name} RSS`, bytes: rss });
          if (heap !== undefined) samples.push({ minute, series: `${name} heap used`, bytes: heap });
        }
        const info = await cluster.client.info('memory');
        const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
        if (Number.isFinite(used)) samples.push({ minute, series: 'valkey used_memory', bytes: used });
        await sleep(opts.sampleEveryMs);
      }
    })();

    const articleLoad = articles.run({
      count: Math.ceil(opts.minutes * 60 * opts.articlesPerSecond),
      rate: opts.articlesPerSecond,
      concurrency: 4,
      stop: stopped,
    });
    const pushes = features.run({ rate: opts.featurePushesPerSecond, stop: stopped });
    const reads = (async () => {
      while (!stopped()) {
        const entities = Array.from({ length: 10 }, () => `s${Math.floor(Math.random() * 200)}`);
        const res = await http(`${api}/features/get-online-features`, {
          body: { features: [`${FEATURE_VIEW}:n`, `${FEATURE_VIEW}:tier`], entities: { user_id: entities } },
        });
        statuses.record(res);
        featureReads++;
        await sleep(1000 / opts.featureReadsPerSecond);
      }
    })();
    const view = async (url: string, id: string): Promise<void> => {
      const socket = io(`${url}/llm`, { transports: ['websocket'], forceNew: true, reconnection: false });
      let next = 0;
      let contiguous = true;
      try {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 30000);
          socket.on('token', (token: { index: number }) => {
            if (token.index !== next) contiguous = false;
            next = token.index + 1;
          });
          socket.on('end', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.emit('join', { id });
        });
      } finally {
        socket.disconnect();
      }
      if (contiguous && next === 100) viewersCompleted++;
      else viewersIncomplete++;
    };

    const streams = (async () => {
      const watching: Promise<void>[] = [];
      for (let i = 0; !stopped(); i++) {
        const id = `soak-llm-${i}`;
        if (await startLlmStream(api, { id, prompt: `Soak stream ${i}`, maxTokens: 100 }, statuses)) {
          llmStreams++;
          for (let v = 0; v < opts.viewers; v++) watching.push(view(api, id));
        }
        await sleep(opts.llmEveryMs);
      }
      await Promise.all(watching);
    })();
    await Promise.all([articleLoad, pushes, reads, streams, sampler]);
    stop = true;
    say(`load done: ${articles.accepted.size} articles, ${llmStreams} token streams, ${featureReads} online reads`);

    const warm = opts.minutes * opts.warmupShare;
    const slopes: Record<string, number> = {};
    const range: Record<string, { from: number; to: number }> = {};
    for (const series of [...new Set(samples.map((s) => s.series))]) {
      const after = samples.filter((s) => s.series === series && s.minute >= warm);
      slopes[series] = Math.round(slope(after.map((s) => ({ x: s.minute, y: s.bytes }))));
      if (after.length > 0) range[series] = { from: after[0].bytes, to: after[after.length - 1].bytes };
    }
    return {
      options: opts,
      startedAt: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      samples,
      slopes,
      range,
      load: {
        articlesAccepted: articles.accepted.size,
        featurePushesAccepted: features.statuses.byStatus['202'] ?? 0,
        featureReads,
        llmStreams,
        viewersCompleted,
        viewersIncomplete,
        serverErrors: articles.statuses.serverErrors + features.statuses.serverErrors + statuses.serverErrors,
        byStatus: { ...articles.statuses.byStatus },
      },
    };
  } finally {
    stop = true;
    await cluster.stop();
  }
}
