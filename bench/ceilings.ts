// Valkey's own ceiling for the commands the scenarios are bound by: valkey-benchmark, pipelined (-P 16), against a
// fresh server, parsed into requests/s.
//   bash scripts/build-bench.sh && node .bench-dist/bench/ceilings.js [--quick]
import { Valkey } from 'iovalkey';
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { findBinary } from '../src/valkey/embedded-valkey.js';
import { freshValkey, progress } from './support.js';

const run$ = promisify(execFile);

/** valkey-benchmark argument lists per ceiling (`__rand_int__` spreads keys; HGETALL reads a 10-field hash). */
const COMMANDS: Record<string, string[]> = {
  lpush: ['-t', 'lpush'],
  xadd: ['XADD', 'bench:stream', 'MAXLEN', '~', '100000', '*', 'id', '__rand_int__'],
  publish: ['PUBLISH', 'bench:channel', 'a-token-of-twenty-bytes'],
  hgetall: ['HGETALL', 'bench:hash'],
};

/** Parses `-q` output ("XADD ...: 123456.78 requests per second, p50=...") into requests/s. */
export function parseRps(output: string): number {
  const matches = [...output.matchAll(/([\d.]+) requests per second/g)];
  if (matches.length === 0) throw new Error(`valkey-benchmark printed no rate:\n${output}`);
  return Number(matches[matches.length - 1][1]);
}

/** Parses the `p50=0.031 msec` of `-q` output. */
export function parseP50(output: string): number {
  const match = /p50=([\d.]+) msec/.exec(output.split('\r').pop() ?? output);
  if (!match) throw new Error(`valkey-benchmark printed no p50:\n${output}`);
  return Number(match[1]);
}

export async function run(opts: { quick: boolean }): Promise<Record<string, number>> {
  const bin = findBinary('valkey-benchmark');
  if (!bin) throw new Error('valkey-benchmark is not on PATH (apt-get install valkey-tools)');
  const server = await freshValkey();
  const results: Record<string, number> = {};
  try {
    const fields = Array.from({ length: 10 }, (_, i) => [`f${i}`, String(i * 1.5)]).flat();
    const client = new Valkey(server.url);
    await client.hset('bench:hash', ...fields);
    client.disconnect();
    const requests = opts.quick ? 200000 : 1000000;
    for (const [name, command] of Object.entries(COMMANDS)) {
      const args = [
        '-h',
        '127.0.0.1',
        '-p',
        String(server.port),
        '-P',
        '16',
        '-c',
        '50',
        '-n',
        String(requests),
        '-r',
        '100000',
        '-q',
      ];
      const { stdout } = await run$(bin, [...args, ...command], { maxBuffer: 1 << 20 });
      results[`ceiling_${name}_per_s`] = Math.round(parseRps(stdout));
      progress(`ceiling ${name}: ${results[`ceiling_${name}_per_s`]} requests/s (valkey-benchmark -P 16 -c 50)`);
    }
    // One client, no pipelining: a single round trip, the floor under any one-request latency.
    for (const name of ['hgetall', 'publish']) {
      const args = ['-h', '127.0.0.1', '-p', String(server.port), '-c', '1', '-n', String(requests / 10), '-q'];
      const { stdout } = await run$(bin, [...args, ...COMMANDS[name]], { maxBuffer: 1 << 20 });
      results[`ceiling_${name}_rtt_p50_ms`] = parseP50(stdout);
      progress(`ceiling ${name} round trip: p50 ${results[`ceiling_${name}_rtt_p50_ms`]} ms (1 client, unpipelined)`);
    }
  } finally {
    await server.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run({ quick: process.argv.includes('--quick') });
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
