// Renders bench/results/latest.md and its SVG charts (vega-lite compiled, vega's headless SVG renderer) from the
// flat results of one harness run. Every ratio is computed here from numbers of that same run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export type Results = Record<string, number | null | undefined>;

export interface RunInfo {
  command: string;
  quick: boolean;
  startedAt: string;
  durationSeconds: number;
  machine: Record<string, string | number>;
  scenarioSeconds: Record<string, number>;
  errors: Record<string, string>;
  /** Ingest-to-feed latency at percentiles 1..100 (ms), when the latency scenario ran. */
  e2eDistribution: number[];
}

interface Floor {
  key: string;
  label: string;
  bound: number;
  direction: 'min' | 'max';
  unit: string;
}

export const FLOORS: Floor[] = [
  { key: 'pipeline_articles_per_s', label: 'pipeline', bound: 2000, direction: 'min', unit: 'articles/s' },
  {
    key: 'fanout_deliveries_per_s',
    label: 'fan-out (1,000 users)',
    bound: 100000,
    direction: 'min',
    unit: 'deliveries/s',
  },
  { key: 'e2e_p99_ms_at_250', label: 'ingest-to-feed p99 at 250/s', bound: 50, direction: 'max', unit: 'ms' },
  {
    key: 'valkey_bytes_per_feed_entry',
    label: 'Valkey memory per feed entry',
    bound: 40,
    direction: 'max',
    unit: 'bytes',
  },
  { key: 'feature_online_p99_ms', label: 'features 1 × 10 p99', bound: 3, direction: 'max', unit: 'ms' },
  { key: 'token_p99_ms_100_viewers', label: 'tokens p99, 100 viewers', bound: 5, direction: 'max', unit: 'ms' },
  {
    key: 'skein_vs_bullmq_ratio',
    label: 'ahead of BullMQ (Skein ÷ BullMQ articles/s)',
    bound: 1,
    direction: 'min',
    unit: '×',
  },
  {
    key: 'skein_vs_resumable_stream_ratio',
    label: 'ahead of resumable-stream (its p99 ÷ Skein p99, 100 viewers)',
    bound: 1,
    direction: 'min',
    unit: '×',
  },
];

function n(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function fmt(value: number | null | undefined, digits?: number): string {
  if (!n(value)) return '—';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  const places = digits ?? (Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0);
  return String(Number(value.toFixed(places)));
}

function ratio(a: number | null | undefined, b: number | null | undefined, digits = 2): string {
  return n(a) && n(b) && b !== 0 ? `${(a / b).toFixed(digits)}×` : '—';
}

/** A token figure under tokens.ts's names (`token_p99_ms_100_viewers`, `token_p50_ms_1_viewer`) or its older ones. */
function token(
  r: Results,
  who: 'token' | 'resumable_stream' | 'bare_ws',
  stat: 'p50' | 'p99',
  viewers: number,
): number | null {
  const suffix = viewers === 1 ? '1_viewer' : `${viewers}_viewers`;
  const older = `${who === 'token' ? 'skein' : who}_${viewers}_viewers_${stat}_ms`;
  const value = r[`${who}_${stat}_ms_${suffix}`] ?? r[older];
  return n(value) ? value : null;
}

/** A line naming each p99's value in every interleaved round (`<key>_round_<n>`) of which it is the median. */
function rounds(r: Results, what: string, keys: string[]): string {
  const listed = keys
    .map((key) => {
      const values: number[] = [];
      for (let value = r[`${key}_round_1`]; n(value); value = r[`${key}_round_${values.length + 1}`])
        values.push(value);
      return values.length > 0 ? `\`${key}\` ${values.map((v) => fmt(v)).join(', ')}` : '';
    })
    .filter((text) => text !== '');
  if (listed.length === 0) return '';
  return `${what} are medians of interleaved rounds (each system in turn, so the host's drifting noise falls on all alike); p99 per round, ms: ${listed.join('; ')}.`;
}

/** Ratios that belong in latest.json too (computed, never typed in). */
export function derived(r: Results): Results {
  const div = (a: number | null | undefined, b: number | null | undefined): number | null =>
    n(a) && n(b) && b !== 0 ? Number((a / b).toFixed(3)) : null;
  return {
    skein_vs_bullmq_ratio: div(r.pipeline_articles_per_s, r.bullmq_articles_per_s),
    skein_vs_resumable_stream_ratio: div(r.resumable_stream_p99_ms_100_viewers, r.token_p99_ms_100_viewers),
    pipeline_of_models_only_ratio: div(r.pipeline_articles_per_s, r.pipeline_models_only_articles_per_s),
    fanout_of_lpush_ceiling_ratio: div(r.fanout_deliveries_per_s, r.ceiling_lpush_per_s),
    roles_3_of_1_ratio: div(r.roles_enrich_articles_per_s_3_replicas, r.roles_enrich_articles_per_s_1_replicas),
  };
}

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

async function svg(spec: vegaLite.TopLevelSpec, path: string): Promise<void> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  writeFileSync(path, await view.toSVG());
  view.finalize();
}

type Bar = { group: string; name: string; value: number };

async function bars(title: string, unit: string, data: Bar[], path: string): Promise<boolean> {
  if (data.length === 0) return false;
  await svg(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      width: 520,
      data: { values: data },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'name', type: 'nominal', sort: null, title: null },
        x: { field: 'value', type: 'quantitative', title: unit },
        color: { field: 'group', type: 'nominal', title: null },
      },
    },
    path,
  );
  return true;
}

/** Writes the charts; answers the Markdown image lines for those that had data. */
export async function charts(r: Results, info: RunInfo, dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const bar = (group: string, name: string, key: string): Bar[] => {
    const value = r[key];
    return n(value) ? [{ group, name, value }] : [];
  };
  const pipeline = [
    ...bar('Skein', 'Skein classify → enrich', 'pipeline_articles_per_s'),
    ...bar('peer', 'BullMQ (best concurrency)', 'bullmq_articles_per_s'),
    ...bar('ceiling', 'local models alone, no Valkey', 'pipeline_models_only_articles_per_s'),
    ...bar('Skein', 'enrich, 1 replica', 'roles_enrich_articles_per_s_1_replicas'),
    ...bar('Skein', 'enrich, 2 replicas', 'roles_enrich_articles_per_s_2_replicas'),
    ...bar('Skein', 'enrich, 3 replicas', 'roles_enrich_articles_per_s_3_replicas'),
  ];
  if (await bars('Pipeline throughput', 'articles/s', pipeline, join(dir, 'pipeline-throughput.svg')))
    out.pipeline = '![pipeline throughput](pipeline-throughput.svg)';
  const fanout = [
    ...bar('Skein', 'fan-out, 1,000 users', 'fanout_deliveries_per_s'),
    ...bar('Skein', 'fan-out, 10,000 users', 'fanout_deliveries_per_s_10000_users'),
    ...bar('ceiling', 'valkey-benchmark LPUSH -P 16', 'ceiling_lpush_per_s'),
    ...bar('ceiling', 'valkey-benchmark XADD -P 16', 'ceiling_xadd_per_s'),
    ...bar('ceiling', 'valkey-benchmark PUBLISH -P 16', 'ceiling_publish_per_s'),
    ...bar('ceiling', 'valkey-benchmark HGETALL -P 16', 'ceiling_hgetall_per_s'),
  ];
  if (await bars('Fan-out deliveries and Valkey ceilings', 'per second', fanout, join(dir, 'fanout-throughput.svg')))
    out.fanout = '![fan-out throughput](fanout-throughput.svg)';
  const latency: Bar[] = [];
  const point = (group: string, name: string, value: number | null | undefined): Bar[] =>
    n(value) ? [{ group, name, value }] : [];
  latency.push(
    ...point('p50', 'features 1×10', r.online_read_1x10_p50_ms),
    ...point('p99', 'features 1×10', r.feature_online_p99_ms),
    ...point('p50', 'features 100×10', r.online_read_100x10_p50_ms),
    ...point('p99', 'features 100×10', r.feature_online_100_p99_ms),
  );
  for (const viewers of [1, 100, 1000]) {
    for (const [who, label] of [
      ['token', 'Skein tokens'],
      ['resumable_stream', 'resumable-stream'],
    ] as const) {
      const name = `${label}, ${viewers.toLocaleString('en-US')} viewer${viewers === 1 ? '' : 's'}`;
      latency.push(
        ...point('p50', name, token(r, who, 'p50', viewers)),
        ...point('p99', name, token(r, who, 'p99', viewers)),
      );
    }
  }
  if (latency.length > 0) {
    await svg(
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: 'Request and token latency (p50, p99)',
        width: 520,
        data: { values: latency },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null, title: null },
          yOffset: { field: 'group' },
          x: { field: 'value', type: 'quantitative', title: 'ms', scale: { type: 'symlog' } },
          color: { field: 'group', type: 'nominal', title: null },
        },
      },
      join(dir, 'latency-percentiles.svg'),
    );
    out.latency = '![latency percentiles](latency-percentiles.svg)';
  }
  if (info.e2eDistribution.length > 0) {
    await svg(
      {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        title: 'Ingest-to-feed latency at 250 articles/s (distribution)',
        width: 520,
        height: 240,
        data: { values: info.e2eDistribution.map((ms, i) => ({ percentile: i + 1, ms })) },
        layer: [
          {
            mark: { type: 'line', interpolate: 'step-after' },
            encoding: {
              x: { field: 'percentile', type: 'quantitative', title: 'percentile' },
              y: { field: 'ms', type: 'quantitative', title: 'ms' },
            },
          },
          { mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 4] }, encoding: { y: { datum: 50 } } },
        ],
      },
      join(dir, 'e2e-latency.svg'),
    );
    out.e2e = '![ingest-to-feed latency distribution](e2e-latency.svg) (dashed: the 50 ms floor)';
  }
  return out;
}

export function markdown(r: Results, info: RunInfo, images: Record<string, string>): string {
  const lines: string[] = [];
  const push = (...text: string[]): number => lines.push(...text.filter((t) => t !== '').flatMap((t) => [t, '']));
  push(
    '# Skein benchmarks',
    `Run ${info.startedAt}, ${info.quick ? '**quick**' : 'full'} mode, ${Math.round(info.durationSeconds)} s: \`${info.command}\``,
    'Generated by `bench/run.ts` from `latest.json` of the same run; every ratio below divides two numbers of that run.',
  );
  push(
    '## Machine',
    table(
      ['', ''],
      Object.entries(info.machine).map(([k, v]) => [k, String(v)]),
    ),
  );
  push(
    'The machine is a shared 2-vCPU VM: absolute figures are noisy; ratios measured in the same run are the comparable ' +
      'numbers. `cpu_stall_*` shows how much the host took the CPUs away (two threads spinning for 3 s before and after ' +
      'the scenarios): a p99 of a few ms cannot be lower than the stalls a request may meet.',
  );

  push(
    '## Floors (issue 7)',
    table(
      ['figure', 'measured', 'floor', 'result'],
      FLOORS.map((f) => {
        const value = r[f.key];
        const ok = n(value) ? (f.direction === 'min' ? value >= f.bound : value <= f.bound) : undefined;
        return [
          `${f.label} (\`${f.key}\`)`,
          `${fmt(value, 2)} ${f.unit}`,
          `${f.direction === 'min' ? '≥' : '≤'} ${fmt(f.bound)} ${f.unit}`,
          ok === undefined ? 'not measured' : ok ? '**pass**' : '**miss**',
        ];
      }),
    ),
  );

  push(
    '## Pipeline: ingest → classify → enrich (local models), at saturation',
    'N raw articles pre-loaded into `news_raw`; the real ClassifyWorker and EnrichWorker under the StreamWorker engine ' +
      'in one process; clock from worker start to the N-th entry of `enriched_stream`. Peer: BullMQ carrying the same two ' +
      'stages as jobs (N jobs pre-loaded, both workers in one process, same models, same fresh Valkey; clock to the N-th ' +
      'completed enrich job; best of its `concurrency` settings). Ceiling: the models alone in a tight loop (no Valkey).',
    table(
      ['figure', 'value', 'vs BullMQ (peer)', 'vs models alone (CPU ceiling)', 'vs XADD ceiling'],
      [
        [
          'Skein articles/s',
          fmt(r.pipeline_articles_per_s),
          ratio(r.pipeline_articles_per_s, r.bullmq_articles_per_s),
          ratio(r.pipeline_articles_per_s, r.pipeline_models_only_articles_per_s),
          ratio(r.pipeline_articles_per_s, r.ceiling_xadd_per_s, 4),
        ],
        ...(['_batch_500', '_concurrency_2'] as const)
          .filter((s) => n(r[`pipeline_articles_per_s${s}`]))
          .map((s) => [
            `Skein articles/s (${s.slice(1).replace('_', ' ')})`,
            fmt(r[`pipeline_articles_per_s${s}`]),
            ratio(r[`pipeline_articles_per_s${s}`], r.bullmq_articles_per_s),
            ratio(r[`pipeline_articles_per_s${s}`], r.pipeline_models_only_articles_per_s),
            '',
          ]),
        [
          'BullMQ articles/s',
          fmt(r.bullmq_articles_per_s),
          '1.00×',
          ratio(r.bullmq_articles_per_s, r.pipeline_models_only_articles_per_s),
          ratio(r.bullmq_articles_per_s, r.ceiling_xadd_per_s, 4),
        ],
        ...Object.keys(r)
          .filter((k) => k.startsWith('bullmq_articles_per_s_concurrency_'))
          .map((k) => [
            `BullMQ, concurrency ${k.split('_').pop()}`,
            fmt(r[k]),
            ratio(r[k], r.bullmq_articles_per_s),
            '',
            '',
          ]),
        ['models alone (classify + summary + metadata)', fmt(r.pipeline_models_only_articles_per_s), '', '1.00×', ''],
        ['classify model alone', fmt(r.pipeline_classify_model_articles_per_s), '', '', ''],
        ['summary + metadata alone', fmt(r.pipeline_enrich_model_articles_per_s), '', '', ''],
      ],
    ),
    images.pipeline ?? '',
  );

  push(
    '## Roles: 1, 2 and 3 `ROLES=enrich` replicas (built app, child processes)',
    '`classified_stream` pre-loaded; the replicas start idle on a group at the stream end, then `XGROUP SETID 0` releases ' +
      'the backlog at once. Valkey, the harness and every replica share the 2 cores, so extra replicas cannot add CPU.',
    table(
      ['replicas', 'articles/s', 'vs 1 replica', 'vs enrich model alone'],
      [1, 2, 3].map((k) => [
        k,
        fmt(r[`roles_enrich_articles_per_s_${k}_replicas`]),
        ratio(r[`roles_enrich_articles_per_s_${k}_replicas`], r.roles_enrich_articles_per_s_1_replicas),
        ratio(r[`roles_enrich_articles_per_s_${k}_replicas`], r.pipeline_enrich_model_articles_per_s),
      ]),
    ),
  );

  push(
    '## Fan-out: feed deliveries/s (real FanoutWorker handler + fanout.lua), users following 3 of 10 topics',
    'No peer in issue 7. Ceiling: pipelined LPUSH; each delivery runs SADD + LPUSH + XADD (+ trim/expire) inside one Lua call per user.',
    table(
      ['users', 'deliveries/s', 'vs LPUSH ceiling', 'vs XADD ceiling'],
      [
        [
          '1,000',
          fmt(r.fanout_deliveries_per_s),
          ratio(r.fanout_deliveries_per_s, r.ceiling_lpush_per_s),
          ratio(r.fanout_deliveries_per_s, r.ceiling_xadd_per_s),
        ],
        [
          '10,000',
          fmt(r.fanout_deliveries_per_s_10000_users),
          ratio(r.fanout_deliveries_per_s_10000_users, r.ceiling_lpush_per_s),
          ratio(r.fanout_deliveries_per_s_10000_users, r.ceiling_xadd_per_s),
        ],
      ],
    ),
    images.fanout ?? '',
  );

  push(
    '## Memory: Valkey `used_memory` growth per buffered feed entry',
    `${fmt(r.feed_entries_held)} entries held (list + seen set + feed stream per user; the full run holds 300,000).`,
    table(
      ['configuration', 'bytes per entry', 'vs floor (40)'],
      [
        ['Valkey defaults', fmt(r.valkey_bytes_per_feed_entry, 1), ratio(r.valkey_bytes_per_feed_entry, 40)],
        [
          '`stream-node-max-bytes 1024`',
          fmt(r.feed_bytes_per_entry_stream_node_max_bytes_1024, 1),
          ratio(r.feed_bytes_per_entry_stream_node_max_bytes_1024, 40),
        ],
      ],
    ),
  );

  push(
    '## Latency: ingest-to-feed at a steady 250 articles/s, 1,000 users × 3 topics (open loop)',
    'The app deployed as two processes on this machine: `ROLES=api,ingest,classify,enrich` and `ROLES=fanout` (rows ' +
      'marked "one process": `ROLES=all`). From the time each `POST /articles` was scheduled to the time `fanout.lua` appended it to `feed_stream:{uid}` (the ' +
      "entry id's millisecond, stamped by Valkey on the same machine clock), over every delivery to 50 sampled users. " +
      'No peer in issue 7; ceiling: one unpipelined Valkey round trip.',
    table(
      ['figure', 'ms', 'vs round-trip ceiling (HGETALL p50)'],
      [
        ['p50', fmt(r.e2e_p50_ms_at_250), ratio(r.e2e_p50_ms_at_250, r.ceiling_hgetall_rtt_p50_ms, 0)],
        ['p95', fmt(r.e2e_p95_ms_at_250), ratio(r.e2e_p95_ms_at_250, r.ceiling_hgetall_rtt_p50_ms, 0)],
        ['p99', fmt(r.e2e_p99_ms_at_250), ratio(r.e2e_p99_ms_at_250, r.ceiling_hgetall_rtt_p50_ms, 0)],
        [
          'one process: p50 / p95 / p99',
          `${fmt(r.e2e_one_process_p50_ms_at_250)} / ${fmt(r.e2e_one_process_p95_ms_at_250)} / ${fmt(r.e2e_one_process_p99_ms_at_250)}`,
          '',
        ],
        [
          'POST /articles answered, p50 / p99',
          `${fmt(r.ingest_ack_p50_ms_at_250)} / ${fmt(r.ingest_ack_p99_ms_at_250)}`,
          '',
        ],
        [
          'ingest → classify, p50 / p99',
          `${fmt(r.e2e_stage_classify_p50_ms)} / ${fmt(r.e2e_stage_classify_p99_ms)}`,
          '',
        ],
        ['classify → enrich, p50 / p99', `${fmt(r.e2e_stage_enrich_p50_ms)} / ${fmt(r.e2e_stage_enrich_p99_ms)}`, ''],
        [
          'enrich → fanout stored, p50 / p99',
          `${fmt(r.e2e_stage_fanout_p50_ms)} / ${fmt(r.e2e_stage_fanout_p99_ms)}`,
          '',
        ],
        [
          'Node CPU per article, ms (both processes + load generator, of which the fanout process; one process)',
          `${fmt(r.e2e_process_cpu_ms_per_article, 3)}, ${fmt(r.e2e_fanout_process_cpu_ms_per_article, 3)}; ` +
            fmt(r.e2e_one_process_process_cpu_ms_per_article, 3),
          '',
        ],
        ['Valkey time per article, ms (command usec, Lua bodies once)', fmt(r.e2e_valkey_ms_per_article, 3), ''],
        [
          'Valkey commands per article (incl. inside Lua) / EVALSHA per article',
          `${fmt(r.e2e_valkey_commands_per_article, 1)} / ${fmt(r.e2e_valkey_evalsha_per_article, 1)}`,
          '',
        ],
      ],
    ),
    `${fmt(r.e2e_deliveries_measured)} deliveries of ${fmt(r.e2e_articles_stored)} articles measured.` +
      (n(r.e2e_process_cpu_ms_per_article) && n(r.e2e_valkey_ms_per_article)
        ? ` Cost at 250 articles/s, from the per-article figures above: ${((r.e2e_process_cpu_ms_per_article * 250) / 1000).toFixed(2)} ` +
          `core of Node (both processes + load generator) and ${((r.e2e_valkey_ms_per_article * 250) / 1000).toFixed(2)} core of Valkey, ` +
          `of the machine's ${String(info.machine.cpus)} (load average at start: ${String(info.machine.load_average_before)}).`
        : ''),
    images.e2e ?? '',
  );

  push(
    '## Features: HTTP online reads (open loop, after a warm-up) and materialized rows/s',
    'No peer in issue 7. Ceilings: a bare node:http server answering each request with one HGETALL, in the same process ' +
      'and under the same load generator at the 1 × 10 rate (the least an HTTP online read can cost on this machine); ' +
      'one unpipelined HGETALL round trip (valkey-benchmark); pipelined XADD (one write per row).',
    table(
      ['figure', 'value', 'vs ceiling'],
      [
        [
          '1 × 10 at 1,000 req/s, p50 ms',
          fmt(r.online_read_1x10_p50_ms),
          ratio(r.online_read_1x10_p50_ms, r.ceiling_http_hgetall_p50_ms) + ' bare HTTP + HGETALL',
        ],
        [
          '1 × 10 at 1,000 req/s, p99 ms',
          fmt(r.feature_online_p99_ms),
          ratio(r.feature_online_p99_ms, r.ceiling_http_hgetall_p99_ms) + ' bare HTTP + HGETALL',
        ],
        [
          'bare HTTP + HGETALL at 1,000 req/s, p50 / p99 ms',
          `${fmt(r.ceiling_http_hgetall_p50_ms)} / ${fmt(r.ceiling_http_hgetall_p99_ms)}`,
          ratio(r.ceiling_http_hgetall_p50_ms, r.ceiling_hgetall_rtt_p50_ms, 0) + ' HGETALL RTT (p50)',
        ],
        ['100 × 10 at 200 req/s, p50 ms', fmt(r.online_read_100x10_p50_ms), ''],
        ['100 × 10 at 200 req/s, p99 ms', fmt(r.feature_online_100_p99_ms), ''],
        [
          'materialized rows/s',
          fmt(r.feature_rows_per_s),
          ratio(r.feature_rows_per_s, r.ceiling_xadd_per_s, 3) + ' XADD',
        ],
        [
          'materializer CPU per row, µs: Node / Valkey',
          `${fmt(r.materialize_node_cpu_us_per_row)} / ${fmt(r.materialize_valkey_cpu_us_per_row)}`,
          '',
        ],
      ],
    ),
    rounds(r, 'Read latencies', [
      'online_read_1x10_p99_ms',
      'online_read_100x10_p99_ms',
      'ceiling_http_hgetall_p99_ms',
    ]),
  );

  push(
    '## Tokens: publish-to-viewer latency, one stream (Socket.IO viewers) vs `resumable-stream`',
    table(
      [
        'viewers',
        'Skein p50 ms',
        'Skein p99 ms',
        'resumable-stream p50 ms',
        'resumable-stream p99 ms',
        'peer p99 ÷ Skein p99',
        'bare WebSocket p50 / p99 ms',
        'Skein p99 vs bare WebSocket p99',
        'Skein p99 vs PUBLISH RTT',
      ],
      [1, 100, 1000].map((v) => {
        const p99 = token(r, 'token', 'p99', v);
        const peer = token(r, 'resumable_stream', 'p99', v);
        const bare = token(r, 'bare_ws', 'p99', v);
        return [
          v,
          fmt(token(r, 'token', 'p50', v)),
          fmt(p99),
          fmt(token(r, 'resumable_stream', 'p50', v)),
          fmt(peer),
          ratio(peer, p99),
          bare === null ? '—' : `${fmt(token(r, 'bare_ws', 'p50', v))} / ${fmt(bare)}`,
          ratio(p99, bare),
          ratio(p99, r.ceiling_publish_rtt_p50_ms, 0),
        ];
      }),
    ),
    'Measured by bench/tokens.ts (see its header for what "publish" and "receive" are); every figure it returns is in latest.json. ' +
      'Each stream first sends 20 uncounted warm-up tokens (both systems). Ceiling: a bare WebSocket server (`ws`, which ' +
      'Socket.IO runs on) in the same process writing each token, encoded once in the same bytes, to the same viewers on ' +
      'the same schedule, with no Valkey and no Socket.IO: what one Node thread of this machine takes to put a small ' +
      'message on N local connections.',
    rounds(r, 'The 100-viewer figures', [
      'token_p99_ms_100_viewers',
      'resumable_stream_p99_ms_100_viewers',
      'bare_ws_p99_ms_100_viewers',
    ]),
    images.latency ?? '',
  );

  const authPaths = [
    ['`POST /articles` ack (fast route, `ingest` key), 250/s', 'ingest_ack'],
    ['`POST /features/get-online-features` 1 × 10 (fast route, `features:read` key), 1,000/s', 'features_1x10'],
    ['`GET /users/u0/feed?limit=10` (controller route, user token), 200/s', 'feed'],
  ] as const;
  if (authPaths.some(([, label]) => n(r[`auth_${label}_p99_ms_off`]))) {
    push(
      '## Access control: the auth path, off (loopback sandbox) vs on, interleaved rounds',
      'The built app (`ROLES=all`) twice, side by side, each on its own fresh Valkey: `AUTH_DISABLED=true` and auth on ' +
        'with a realistic credential per route and `RATE_LIMIT_PER_MINUTE` high enough never to trip (but not 0: the ' +
        "limiter's EVALSHA is paid). Open loop from a worker thread; the articles' pipeline runs behind the ack and is " +
        'drained before the next measurement. Short slices, off and on in turn (ABBA). A p99 pooled over a run is decided ' +
        "by its few worst stalls (the A/A figure, a side's odd slices ÷ its even ones, reads 0.4-1.4× here), so the " +
        "target is judged on the median over slice pairs (one side's slice and the other's next to it) of on ÷ off p99, " +
        'with its 90% bootstrap interval. Target: auth costs at most 10% on a p99 (ratio ≤ 1.10).',
      table(
        [
          'path',
          'p50 ms off / on',
          'p50 on ÷ off',
          'p99 ms off / on',
          'p99 on ÷ off (pooled; A/A off, on)',
          'p99 on ÷ off, median of slice pairs (90%)',
          'target (≤ 1.10×)',
          'server CPU ms per request off / on',
          'Valkey commands per request off / on',
        ],
        authPaths.map(([name, label]) => {
          const p99Ratio = r[`auth_${label}_p99_paired_ratio`];
          return [
            name,
            `${fmt(r[`auth_${label}_p50_ms_off`])} / ${fmt(r[`auth_${label}_p50_ms_on`])}`,
            ratio(r[`auth_${label}_p50_ms_on`], r[`auth_${label}_p50_ms_off`]),
            `${fmt(r[`auth_${label}_p99_ms_off`])} / ${fmt(r[`auth_${label}_p99_ms_on`])}`,
            `${ratio(r[`auth_${label}_p99_ms_on`], r[`auth_${label}_p99_ms_off`])} ` +
              `(${fmt(r[`auth_${label}_p99_aa_ratio_off`])}, ${fmt(r[`auth_${label}_p99_aa_ratio_on`])})`,
            `${fmt(p99Ratio)}× (${fmt(r[`auth_${label}_p99_paired_ratio_low`])}-` +
              `${fmt(r[`auth_${label}_p99_paired_ratio_high`])})`,
            n(p99Ratio) ? (p99Ratio <= 1.1 ? '**pass**' : '**miss**') : 'not measured',
            `${fmt(r[`auth_${label}_cpu_ms_per_request_off`], 3)} / ${fmt(r[`auth_${label}_cpu_ms_per_request_on`], 3)}`,
            `${fmt(r[`auth_${label}_valkey_commands_per_request_off`], 1)} / ` +
              fmt(r[`auth_${label}_valkey_commands_per_request_on`], 1),
          ];
        }),
      ),
      rounds(
        r,
        'The auth figures',
        authPaths.flatMap(([, label]) => [`auth_${label}_p99_ms_off`, `auth_${label}_p99_ms_on`]),
      ),
    );
  }

  push(
    '## Stream engine: no-op stage entries/s',
    table(
      ['batch', 'entries/s', 'vs XADD ceiling'],
      [1, 10, 100].map((b) => [
        b,
        fmt(r[`engine_noop_entries_per_s_batch_${b}`]),
        ratio(r[`engine_noop_entries_per_s_batch_${b}`], r.ceiling_xadd_per_s),
      ]),
    ),
  );

  push(
    '## Valkey ceilings (valkey-benchmark on a fresh server)',
    table(
      ['command', 'requests/s (-P 16 -c 50)', 'round trip p50 ms (-c 1, unpipelined)'],
      ['lpush', 'xadd', 'publish', 'hgetall'].map((c) => [
        c.toUpperCase(),
        fmt(r[`ceiling_${c}_per_s`]),
        fmt(r[`ceiling_${c}_rtt_p50_ms`], 3),
      ]),
    ),
  );

  push(
    '## Scenario run times',
    table(
      ['scenario', 'seconds', 'error'],
      Object.entries(info.scenarioSeconds).map(([s, sec]) => [s, sec.toFixed(1), info.errors[s] ?? '']),
    ),
  );
  return lines.join('\n');
}
