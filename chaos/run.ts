// Entry point of `npm run chaos` and `npm run soak` (compiled to .bench-dist/ by scripts/build-bench.sh):
//   npm run chaos                  the long run (100 worker kills, ~6 min)    npm run chaos -- --quick   (~1.5 min)
//   npm run soak -- --minutes 5
// Each writes its JSON to chaos/results/ and renders chaos/results/latest.md from the last of both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { ensureBuilt } from '../bench/support.js';
import { LONG, QUICK, runChaos } from './chaos.js';
import { writeReport } from './report.js';
import { runSoak, SOAK_DEFAULTS } from './soak.js';

const DIR = 'chaos/results';
const args = process.argv.slice(2);
const value = (name: string): number | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const log = (message: string): void => void process.stderr.write(`${message}\n`);

ensureBuilt();
mkdirSync(DIR, { recursive: true });
let ok = true;
if (args[0] === 'chaos') {
  const quick = args.includes('--quick');
  const opts = { ...(quick ? QUICK : LONG) };
  opts.kills = value('--kills') ?? opts.kills;
  opts.articles = value('--articles') ?? opts.articles;
  const command = `npm run chaos${args.length > 1 ? ` -- ${args.slice(1).join(' ')}` : ''}`;
  const result = await runChaos(opts, log);
  writeFileSync(`${DIR}/chaos.json`, `${JSON.stringify({ ...result, command }, null, 2)}\n`);
  log(
    `[chaos] ${result.passed ? 'PASSED' : 'FAILED'}: ${result.articles.accepted} accepted, ${result.articles.lost} lost, ` +
      `${result.articles.duplicated} duplicated, ${result.workerKills} worker kills, ${result.http.serverErrors} 5xx`,
  );
  for (const failure of result.failures) log(`  ✗ ${failure}`);
  ok = result.passed;
} else if (args[0] === 'soak') {
  const opts = { ...SOAK_DEFAULTS, minutes: value('--minutes') ?? SOAK_DEFAULTS.minutes };
  const result = await runSoak(opts, log);
  writeFileSync(
    `${DIR}/soak.json`,
    `${JSON.stringify({ ...result, command: `npm run soak -- --minutes ${opts.minutes}` }, null, 2)}\n`,
  );
  for (const [series, slope] of Object.entries(result.slopes))
    log(`[soak] ${series}: ${Math.round(slope / 1024)} KiB/min`);
} else {
  log('usage: node .bench-dist/chaos/run.js chaos [--quick] [--kills N] [--articles N] | soak [--minutes N]');
  process.exit(2);
}
process.stdout.write(`${await writeReport(DIR)}\n`);
process.exit(ok ? 0 : 1);
