import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { parse, stringify } from 'yaml';
import { HealthService } from '../src/health/health.service.js';
import { FeedBacklogGauge } from '../src/modules/feeds/feed-backlog.js';
import { StreamStatsService } from '../src/streams/stream-stats.service.js';
import { freePort } from '../src/valkey/embedded-valkey.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { configError } from './support/config.js';
import { TestValkey } from './support/valkey.js';

const ROOT = new URL('..', import.meta.url).pathname;
const PROMETHEUS_YML = join(ROOT, 'deploy/prometheus/prometheus.yml');
const RULES_YML = join(ROOT, 'deploy/prometheus/rules.yml');
const DASHBOARD_JSON = join(ROOT, 'deploy/grafana/dashboards/skein.json');

// Ids of the run, distinctive enough that a label carrying one cannot be a coincidence.
const USER = 'obs-user-7f3a';
const ARTICLES = Array.from({ length: 6 }, (_, i) => `obs-article-${i}-c41e`);
const MALFORMED_ARTICLE = 'obs-article-bad-c41e';
const ENTITIES = ['obs-entity-1-9b2d', 'obs-entity-2-9b2d'];
const MISSING_ENTITY = 'obs-entity-missing-9b2d';
const LLM_STREAM = 'obs-stream-5e80';
const VIEW = 'obs_profile';

/**
 * The catalogue of issue 6. `worked` = the run below does work that must move the family off zero; the others
 * count failures and rare paths (they must be exported, and are allowed to stay at zero).
 */
const CATALOGUE: { name: string; worked: boolean }[] = [
  // backlog per stream and group, sampled from XINFO
  { name: 'skein_stream_length', worked: true },
  { name: 'skein_stream_pending', worked: false },
  { name: 'skein_stream_lag', worked: false },
  { name: 'skein_stream_consumers', worked: true },
  { name: 'skein_stream_consumers_live', worked: true },
  { name: 'skein_stream_trimmed_total', worked: true },
  // stages
  { name: 'skein_stage_processed_total', worked: true },
  { name: 'skein_stage_failed_total', worked: false },
  { name: 'skein_stage_batch_duration_seconds', worked: true },
  { name: 'skein_stage_batch_size', worked: true },
  { name: 'skein_stage_reclaimed_total', worked: false },
  { name: 'skein_stage_refused_acks_total', worked: false },
  { name: 'skein_dead_letters_total', worked: true },
  { name: 'skein_dead_letters_replayed_total', worked: false },
  { name: 'skein_dead_letters_refused_total', worked: false },
  { name: 'skein_ingest_articles_total', worked: true },
  // fan-out and feeds
  { name: 'skein_ingest_to_feed_seconds', worked: true },
  { name: 'skein_fanout_deliveries_total', worked: true },
  { name: 'skein_fanout_duplicates_skipped_total', worked: false },
  { name: 'skein_fanout_inactive_skipped_total', worked: false },
  { name: 'skein_fanout_pulled_total', worked: false },
  { name: 'skein_feed_rebuilds_total', worked: false },
  { name: 'skein_feed_live_items_total', worked: true },
  { name: 'skein_feed_backlog', worked: true },
  { name: 'skein_http_request_duration_seconds', worked: true },
  { name: 'skein_socket_connections', worked: true },
  { name: 'skein_feed_sockets_dropped_total', worked: false },
  { name: 'skein_connections_refused_total', worked: false },
  // model providers
  { name: 'skein_provider_calls_total', worked: true },
  { name: 'skein_provider_fallbacks_total', worked: false },
  { name: 'skein_provider_duration_seconds', worked: true },
  // feature store
  { name: 'skein_feature_rows_pushed_total', worked: true },
  { name: 'skein_feature_rows_materialized_total', worked: true },
  { name: 'skein_feature_rows_skipped_older_total', worked: true },
  { name: 'skein_feature_rows_rejected_total', worked: false },
  { name: 'skein_feature_online_read_duration_seconds', worked: true },
  { name: 'skein_feature_online_values_total', worked: true },
  { name: 'skein_feature_push_refused_total', worked: false },
  // LLM token streams
  { name: 'skein_llm_streams_started_total', worked: true },
  { name: 'skein_llm_streams_ended_total', worked: true },
  { name: 'skein_llm_tokens_total', worked: true },
  { name: 'skein_llm_viewers', worked: false }, // back to 0 once the viewer left
  { name: 'skein_llm_viewers_dropped_total', worked: false },
  { name: 'skein_llm_token_publish_to_send_seconds', worked: true },
  // Valkey
  { name: 'skein_valkey_command_duration_seconds', worked: true },
  { name: 'skein_valkey_up', worked: true },
  { name: 'skein_valkey_used_memory_bytes', worked: true },
  { name: 'skein_valkey_maxmemory_bytes', worked: false }, // the test server has no limit
  { name: 'skein_valkey_mem_fragmentation_ratio', worked: true },
  // default process metrics
  { name: 'skein_process_cpu_seconds_total', worked: true },
  { name: 'skein_process_resident_memory_bytes', worked: true },
  { name: 'skein_nodejs_eventloop_lag_p99_seconds', worked: true },
];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

/** The samples of one family: for a histogram its `_count`, which is non-zero once anything was observed. */
function familySamples(exposition: Exposition, family: string): Sample[] {
  const wanted = exposition.types.get(family) === 'histogram' ? `${family}_count` : family;
  return exposition.samples.filter((s) => s.name === wanted);
}

/** Every `skein_` name an expression mentions, histogram suffixes folded into their family. */
function metricNames(expr: string, families: Map<string, string>): string[] {
  return [...expr.matchAll(/\bskein_[a-z0-9_]+/g)].map(([name]) => {
    const base = name.replace(/_(bucket|sum|count)$/, '');
    return base !== name && families.get(base) === 'histogram' ? base : name;
  });
}

interface DashboardPanel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(DASHBOARD_JSON, 'utf8')) as { panels: DashboardPanel[] };
const rules = parse(readFileSync(RULES_YML, 'utf8')) as { groups: { rules: { expr: string }[] }[] };

/** Panels an operator looks at first; each of their queries must return series after the run. */
const MAIN_PANELS = [
  'Processed per stage',
  'Articles ingested',
  'Backlog per group (lag + pending)',
  'Stream length',
  'Live consumers per group',
  'Dead letters',
  'Stage batch time p95',
  'Ingest to feed',
  'Model provider latency p95',
  'Feed deliveries',
  'Socket.IO connections',
  'Feature rows',
  'Online read latency',
  'Online values by status',
  'Tokens',
  'Token publish to send',
  'Valkey up',
  'Fragmentation ratio',
  'Command round trip',
];

class Prometheus {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dir: string,
  ) {}

  /** Starts Prometheus with the deploy config's jobs, each rewritten to scrape `target` every second. */
  static async start(target: string): Promise<Prometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'skein-prometheus-'));
    const deployed = parse(readFileSync(PROMETHEUS_YML, 'utf8')) as {
      scrape_configs: { job_name: string; metrics_path?: string }[];
    };
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [RULES_YML],
      scrape_configs: deployed.scrape_configs.map((job) => ({
        job_name: job.job_name,
        metrics_path: job.metrics_path ?? '/metrics',
        scrape_interval: '1s',
        static_configs: [{ targets: [target] }],
      })),
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const prometheus = new Prometheus(child, `http://127.0.0.1:${port}`, dir);
    try {
      await eventually(async () => (await fetch(`${prometheus.url}/-/ready`)).ok, 20000, 100);
    } catch (error) {
      await prometheus.stop();
      throw new Error(`prometheus did not start: ${(error as Error).message}\n${stderr}`, { cause: error });
    }
    return prometheus;
  }

  async query(expr: string): Promise<unknown[]> {
    const res = await json<{ status: string; data: { result: unknown[] }; error?: string }>(
      `${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`,
    );
    if (res.body.status !== 'success') throw new Error(`${expr}: ${res.body.error}`);
    return res.body.data.result;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('observability: metrics, dashboard, alerts and a real Prometheus', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;
  let prometheus: Prometheus | undefined;
  let feedSocket: Socket | undefined;
  let exposition: Exposition;

  const scrape = async (): Promise<Exposition> => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, {
      ROLES: 'all',
      LLM_SIMULATED_TOKEN_DELAY_MS: '1',
      STREAM_TRIM_INTERVAL_MS: '100',
    });

    // News: one subscriber to every topic, active, with a live feed socket; a few articles; one malformed entry.
    const topics = ['politics', 'business', 'technology', 'sports', 'health', 'climate', 'science', 'education'];
    const all = [...topics, 'entertainment', 'finance'];
    expect((await json(`${app.url}/users/${USER}/topics`, { method: 'PUT', body: { topics: all } })).status).toBe(200);
    expect((await json(`${app.url}/users/${USER}/feed`)).status).toBe(200);
    feedSocket = io(`${app.url}/feeds`, { auth: { userId: USER }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      feedSocket!.once('connect', resolve);
      feedSocket!.once('connect_error', reject);
    });
    const articles = ARTICLES.map((id, i) => ({
      id,
      title: `Central bank raises interest rates ${i}`,
      body: `The central bank raised its benchmark interest rate by a quarter point on day ${i}, citing inflation and strong employment figures. Markets fell as investors weighed the outlook for bonds and equities.`,
    }));
    expect((await json(`${app.url}/articles/batch`, { body: { articles } })).status).toBe(202);
    expect((await json(`${app.url}/articles`, { body: articles[0] })).status).toBe(202); // the same id again
    await client.xadd('news_raw', '*', 'id', MALFORMED_ARTICLE); // no title or body: classify dead-letters it
    await eventually(async () => {
      const feed = await json<{ items: { id: string }[] }>(`${app.url}/users/${USER}/feed?limit=50`);
      return feed.body.items.length === ARTICLES.length;
    }, 30000);
    await eventually(async () => (await client.xlen('dlq:classify')) === 1);

    // Features: a view, rows for two entities, an older row that must be skipped, online reads.
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'obs_user', join_keys: ['user_id'] } })).status,
    ).toBe(201);
    const view = { name: VIEW, entity: 'obs_user', ttl_seconds: 3600, features: [{ name: 'score', type: 'FLOAT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    const rows = ENTITIES.map((entity_id, i) => ({ entity_id, features: { score: i + 0.5 }, event_timestamp: now }));
    expect((await json(`${app.url}/features/push`, { body: { feature_view: VIEW, rows } })).status).toBe(202);
    const older = [{ entity_id: ENTITIES[0], features: { score: 9 }, event_timestamp: now - 60 }];
    expect((await json(`${app.url}/features/push`, { body: { feature_view: VIEW, rows: older } })).status).toBe(202);
    const read = { features: [`${VIEW}:score`], entities: { user_id: [...ENTITIES, MISSING_ENTITY] } };
    await eventually(async () => {
      const online = await json<{ results: { statuses: string[] }[] }>(`${app.url}/features/get-online-features`, {
        body: read,
      });
      return online.body.results[1]?.statuses.filter((s) => s === 'PRESENT').length === ENTITIES.length;
    });
    await eventually(async () =>
      familySamples(await scrape(), 'skein_feature_rows_skipped_older_total').some((s) => s.value > 0),
    );

    // LLM: a short simulated stream, watched live over Socket.IO on /llm from its first token.
    const created = await json<{ id: string }>(`${app.url}/llm/streams`, {
      body: { id: LLM_STREAM, prompt: 'Explain consumer groups', max_tokens: 300 },
    });
    expect(created.status).toBe(201);
    const viewer = io(`${app.url}/llm`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const ended = new Promise<void>((resolve) => viewer.on('end', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      viewer.once('connect', resolve);
      viewer.once('connect_error', reject);
    });
    await viewer.emitWithAck('join', { id: LLM_STREAM });
    const socketsWhileWatching = familySamples(await scrape(), 'skein_socket_connections');
    expect(socketsWhileWatching.find((s) => s.labels.namespace === '/llm')?.value).toBe(1);
    await ended;
    viewer.disconnect();
    await eventually(
      async () => (await json<{ status: string }>(`${app.url}/llm/streams/${LLM_STREAM}`)).body.status === 'done',
    );

    // Gauges are sampled on timers; sample once now so the scrape reflects the run.
    await app.app.get(StreamStatsService).sample();
    await app.app.get(FeedBacklogGauge).sample();
    await app.app.get(HealthService).sampleInfo();
    await app.app.get(HealthService).check();
    exposition = await scrape();
  }, 60000);

  afterAll(async () => {
    await prometheus?.stop();
    feedSocket?.disconnect();
    await app?.close();
    await valkey?.stop();
  });

  it('/metrics exposes every family of the catalogue, non-zero where the run did work', () => {
    const missing = CATALOGUE.filter(({ name }) => !exposition.types.has(name)).map(({ name }) => name);
    expect(missing).toEqual([]);
    const idle = CATALOGUE.filter(
      ({ name, worked }) => worked && !familySamples(exposition, name).some((sample) => sample.value > 0),
    ).map(({ name }) => name);
    expect(idle).toEqual([]);
    // Every exported skein_ family is in the catalogue and in the README's metrics table.
    const known = new Set(CATALOGUE.map(({ name }) => name));
    const defaults = /^skein_(process|nodejs)_/;
    const unlisted = [...exposition.types.keys()].filter((name) => !known.has(name) && !defaults.test(name));
    expect(unlisted).toEqual([]);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const undocumented = CATALOGUE.map(({ name }) => name).filter(
      (name) => !defaults.test(name) && !readme.includes(`| \`${name}\` |`),
    );
    expect(undocumented).toEqual([]);
  });

  it('no label value is a user, article, entity or stream id used in the run', () => {
    const ids = new Set([USER, ...ARTICLES, MALFORMED_ARTICLE, ...ENTITIES, MISSING_ENTITY, LLM_STREAM]);
    const leaks = exposition.samples.flatMap((sample) =>
      Object.values(sample.labels)
        .filter((value) => [...ids].some((id) => value.includes(id)))
        .map((value) => `${sample.name} ${value}`),
    );
    expect(leaks).toEqual([]);
    // The per-namespace, per-stage and per-stream labels that should be there are.
    const streams = new Set(familySamples(exposition, 'skein_stream_length').map((s) => s.labels.stream));
    for (const stream of [
      'news_raw',
      'classified_stream',
      'enriched_stream',
      'dlq:classify',
      `fs:stream:${VIEW}`,
      'llm:requests',
      // the seed dashboard's topic_stream_len: one series per topic (10, a fixed set)
      'topic:technology',
      'topic:politics',
    ]) {
      expect(streams).toContain(stream);
    }
  });

  it('GET /pipeline/stats reports the same length, pending and lag as the backlog gauges', async () => {
    await app.app.get(StreamStatsService).sample();
    const metrics = await scrape();
    const gauge = (name: string, labels: Record<string, string>): number | undefined =>
      metrics.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    const { body } = await json<{
      streams: { stream: string; length: number; groups: { name: string; pending: number; lag: number | null }[] }[];
    }>(`${app.url}/pipeline/stats`);
    expect(body.streams.map((s) => s.stream)).toEqual(
      expect.arrayContaining(['news_raw', 'classified_stream', 'enriched_stream']),
    );
    for (const stream of body.streams) {
      expect(gauge('skein_stream_length', { stream: stream.stream })).toBe(stream.length);
      for (const group of stream.groups) {
        expect(gauge('skein_stream_pending', { stream: stream.stream, group: group.name })).toBe(group.pending);
        if (group.lag !== null)
          expect(gauge('skein_stream_lag', { stream: stream.stream, group: group.name })).toBe(group.lag);
      }
    }
  });

  it('drops the backlog series of a destroyed group and of a deleted feature view’s stream', async () => {
    const stats = app.app.get(StreamStatsService);
    const series = async (stream: string): Promise<string[]> => {
      await stats.sample();
      return (await scrape()).samples
        .filter((s) => s.name.startsWith('skein_stream_') && s.labels.stream === stream)
        .map((s) => `${s.name}${s.labels.group ? `/${s.labels.group}` : ''}`);
    };
    await client.xgroup('CREATE', 'news_raw', 'by_hand', '0');
    expect(await series('news_raw')).toContain('skein_stream_lag/by_hand');
    await client.xgroup('DESTROY', 'news_raw', 'by_hand');
    const left = await series('news_raw');
    expect(left.filter((name) => name.endsWith('/by_hand'))).toEqual([]);
    expect(left).toContain('skein_stream_pending/classifiers');

    const view = { name: 'obs_gone', entity: 'obs_user', ttl_seconds: 60, features: [{ name: 'x', type: 'INT' }] };
    expect((await json(`${app.url}/features/views`, { body: view })).status).toBe(201);
    await eventually(async () => (await series('fs:stream:obs_gone')).includes('skein_stream_lag/feature_writers'));
    expect((await json(`${app.url}/features/views/obs_gone`, { method: 'DELETE' })).status).toBe(200);
    await eventually(async () => (await series('fs:stream:obs_gone')).length === 0);
  });

  it('an api replica reports the backlog of every stage, even those with no replica running; a worker only its own', async () => {
    const api = await startTestApp(valkey.url, { ROLES: 'api' });
    const llm = await startTestApp(valkey.url, { ROLES: 'llm' });
    try {
      const apiStreams = await eventually(() => {
        const streams = api.app.get(StreamStatsService).trackedStreams;
        return streams.includes(`fs:stream:${VIEW}`) ? streams : undefined;
      });
      expect(apiStreams).toEqual(
        expect.arrayContaining(['news_raw', 'enriched_stream', 'llm:requests', 'dlq:llm', 'dlq:features']),
      );
      expect(llm.app.get(StreamStatsService).trackedStreams.sort()).toEqual(['dlq:llm', 'llm:requests']);
    } finally {
      await Promise.all([api.close(), llm.close()]);
    }
  });

  it('every skein_ metric used in the dashboard and in the alert rules is exported by the app', () => {
    const exprs = [
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
      ...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
    ];
    expect(exprs.length).toBeGreaterThan(30);
    const used = new Set(exprs.flatMap((expr) => metricNames(expr, exposition.types)));
    expect([...used].filter((name) => !exposition.types.has(name))).toEqual([]);
  });

  it('promtool check rules passes on deploy/prometheus/rules.yml', () => {
    const check = spawnSync('promtool', ['check', 'rules', RULES_YML], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });

  it('the alert unit tests in deploy/prometheus/rules.test.yml pass (promtool test rules)', () => {
    const check = spawnSync('promtool', ['test', 'rules', join(ROOT, 'deploy/prometheus/rules.test.yml')], {
      encoding: 'utf8',
    });
    expect(`${check.stdout}${check.stderr}`).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });

  it('a real Prometheus scraping the app with the deploy config returns series for the dashboard main panels', async () => {
    prometheus = await Prometheus.start(new URL(app.url).host);
    const jobs = (
      parse(readFileSync(PROMETHEUS_YML, 'utf8')) as { scrape_configs: { job_name: string }[] }
    ).scrape_configs.map((j) => j.job_name);
    expect(jobs).toEqual(['api', 'ingest', 'classify', 'enrich', 'fanout', 'features', 'llm']);
    const p = prometheus;
    await eventually(async () => (await p.query('up == 1')).length === jobs.length, 20000, 250);

    const panels = dashboard.panels.filter((panel) => MAIN_PANELS.includes(panel.title));
    expect(panels.map((panel) => panel.title).sort()).toEqual([...MAIN_PANELS].sort());
    const queries = panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        panel: panel.title,
        expr: target.expr.replaceAll('$__rate_interval', '15s'),
      })),
    );
    // rate() needs two scrapes in its window: poll until every query answers.
    const empty = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const { panel, expr } of queries) if ((await p.query(expr)).length === 0) out.push(`${panel}: ${expr}`);
      return out;
    };
    let last: string[] = [];
    await eventually(async () => (last = await empty()).length === 0, 20000, 500).catch(() => undefined);
    expect(last).toEqual([]);
  });

  it('a configuration error names the variable but never echoes a password or token', () => {
    const message = configError({ VALKEY_URL: 'http://admin:s3cr3t-pw@valkey:6379' });
    expect(message).toContain('VALKEY_URL');
    expect(message).not.toContain('s3cr3t-pw');
  });
});
