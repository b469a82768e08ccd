import { describe, expect, it } from '@jest/globals';
import { QUICK, runChaos } from '../chaos/chaos.js';

// The quick chaos run (chaos/chaos.ts; `npm run chaos` is the long one): needs the built app (`npx nest build`).
describe('chaos: worker kill -9s, Valkey kill -9 and SIGSTOP, CLIENT KILL storms, poison, under REST load', () => {
  it('loses and doubles no accepted article, leaves nothing pending, dead-letters only the poison, completes every token stream and feature row', async () => {
    const result = await runChaos(QUICK, (message) => process.stderr.write(`${message}\n`));
    process.stderr.write(
      `chaos quick: ${result.articles.accepted} accepted, ${result.workerKills} worker kills, ` +
        `faults ${JSON.stringify(result.faults)}, 5xx ${result.http.serverErrors}, ` +
        `longest ingest-to-feed ${result.recovery.longestIngestToFeedMs} ms\n`,
    );
    expect(result.articles.accepted).toBeGreaterThan(300);
    expect(result.workerKills).toBeGreaterThanOrEqual(QUICK.kills);
    // Each failure names what broke: the article ids lost or doubled and where, the entries left pending, the
    // unexpected dead letters with their errors, the broken token streams, the feature rows behind.
    expect(result.failures).toEqual([]);
    expect({ lost: result.articles.lostIds, duplicated: result.articles.duplicatedIds }).toEqual({
      lost: [],
      duplicated: [],
    });
  }, 240000);
});
