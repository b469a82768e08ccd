// What INGEST_WAITAOF costs: the latency of POST /articles with and without it, in the same run, for appendfsync
// everysec (the embedded default) and always. Two `api` processes (the built app) share one Valkey per setting;
// sequential keep-alive requests, rounds interleaved so both see the same machine; then 16 concurrent producers.
//   bash scripts/build-bench.sh && node .bench-dist/chaos/waitaof.js [--requests 2000]
import { cpus } from 'node:os';
import { ensureBuilt, percentile } from '../bench/support.js';
import { spawnApp } from '../test/support/process.js';
import { TestValkey } from '../test/support/valkey.js';

const ROUNDS = 4;
const CONCURRENCY = 16;

async function post(url: string, id: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/articles`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, title: `Rates held ${id}`, body: 'The bank kept its main rate at 4%. Markets rose.' }),
  });
  await res.text();
  if (res.status !== 202) throw new Error(`POST /articles answered ${res.status}`);
  return performance.now() - started;
}

async function measure(fsync: 'always' | 'everysec', requests: number): Promise<Record<string, number>> {
  const valkey = await TestValkey.start({ appendOnly: true, appendFsync: fsync });
  const env = { VALKEY_URL: valkey.url, ROLES: 'api', LOG_LEVEL: 'warn' };
  const plain = await spawnApp(env);
  const waitaof = await spawnApp({ ...env, INGEST_WAITAOF: 'true' });
  try {
    const times: Record<string, number[]> = { plain: [], waitaof: [] };
    for (let i = 0; i < 50; i++) await post(plain.url, `warm-p-${i}`).then(() => post(waitaof.url, `warm-w-${i}`));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, app] of [
        ['plain', plain],
        ['waitaof', waitaof],
      ] as const) {
        for (let i = 0; i < requests / ROUNDS; i++) times[name].push(await post(app.url, `${name}-${round}-${i}`));
      }
    }
    // Concurrent producers: WAITAOF blocks the ingest connection until the fsync, so later writes queue behind it.
    const concurrent: Record<string, number> = {};
    for (const [name, app] of [
      ['plain', plain],
      ['waitaof', waitaof],
    ] as const) {
      let sent = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, w) => {
          while (sent < requests) await post(app.url, `${name}-c-${w}-${sent++}`);
        }),
      );
      concurrent[name] = Math.round(requests / ((performance.now() - started) / 1000));
    }
    const out: Record<string, number> = {
      [`${fsync}_plain_articles_per_s_${CONCURRENCY}_concurrent`]: concurrent.plain,
      [`${fsync}_waitaof_articles_per_s_${CONCURRENCY}_concurrent`]: concurrent.waitaof,
    };
    for (const [name, list] of Object.entries(times)) {
      const sorted = [...list].sort((a, b) => a - b);
      out[`${fsync}_${name}_p50_ms`] = Number(percentile(sorted, 50).toFixed(3));
      out[`${fsync}_${name}_p99_ms`] = Number(percentile(sorted, 99).toFixed(3));
    }
    return out;
  } finally {
    await Promise.all([plain.stop(), waitaof.stop()]);
    await valkey.stop();
  }
}

ensureBuilt();
const at = process.argv.indexOf('--requests');
const requests = at >= 0 ? Number(process.argv[at + 1]) : 2000;
const results: Record<string, number | string> = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  requests_per_setting_and_app: requests,
};
for (const fsync of ['everysec', 'always'] as const) Object.assign(results, await measure(fsync, requests));
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
