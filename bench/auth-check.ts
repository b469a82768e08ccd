// AccessService.check alone, in-process: wall time and CPU per call, sequential, for each credential kind and its
// parts (authentication, the request budget's EVALSHA), next to a bare PING on the auto-pipelined command connection
// and on a direct one. Where bench/auth.ts's HTTP figures say how much the auth path costs, this says where in it the
// time goes, and is far less sensitive to a shared machine than a p99. Not part of the harness.
//   bash scripts/build-bench.sh && node .bench-dist/bench/auth-check.js [calls]
import { Logger } from '@nestjs/common';
import { pathToFileURL } from 'node:url';
import type { AccessRule } from '../src/auth/access-rule.js';
import { AccessService } from '../src/auth/access.service.js';
import { ApiKeyRepository } from '../src/auth/api-keys.repository.js';
import { TokenSigner } from '../src/auth/token-signer.js';
import { UserTokenService } from '../src/auth/user-tokens.service.js';
import { ValkeyService } from '../src/valkey/valkey.service.js';
import { startLocalApp } from '../test/support/app.js';
import { freshValkey, progress } from './support.js';
import type { Valkey } from 'iovalkey';
import { RequestBudget } from '../src/auth/request-budget.js';

async function timed(name: string, calls: number, call: () => Promise<unknown>): Promise<Record<string, number>> {
  for (let i = 0; i < Math.min(2000, calls); i++) await call(); // warm-up: JIT, caches
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await call();
  const wallUs = ((performance.now() - t0) * 1000) / calls;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / calls;
  progress(`${name}: ${wallUs.toFixed(1)} µs wall, ${cpuUs.toFixed(1)} µs CPU per call`);
  const key = name.replace(/\W+/g, '_').toLowerCase();
  return { [`${key}_wall_us`]: Number(wallUs.toFixed(1)), [`${key}_cpu_us`]: Number(cpuUs.toFixed(1)) };
}

export async function run(calls: number): Promise<Record<string, number>> {
  Logger.overrideLogger(['error']);
  const server = await freshValkey();
  const { app } = await startLocalApp(server.url, {
    LOG_LEVEL: 'error',
    ROLES: 'api',
    AUTH_ADMIN_KEY: `bench-admin-${'x'.repeat(24)}`,
    RATE_LIMIT_PER_MINUTE: '1000000000',
  });
  const results: Record<string, number> = {};
  try {
    const access = app.get(AccessService);
    const { key } = await app.get(ApiKeyRepository).create('auth-check', ['ingest']);
    const { token } = await app.get(UserTokenService).mint('u0');
    const signer = app.get(TokenSigner);
    const valkey = app.get(ValkeyService);
    const direct = valkey.direct('auth-check');
    // The request budget's script on each kind of connection (fresh ones: a custom command must be defined before the
    // auto-pipelined client's first pipeline exists).
    // One take per call (a block of 1): the budget's Valkey round trip alone, on each kind of connection.
    const limiterOn = (client: Valkey): RequestBudget => new RequestBudget(client, 'auth-check', 1e9, 60000, 1);
    const pipelined = limiterOn(valkey.duplicate('auth-check-pipelined'));
    const unpipelined = limiterOn(valkey.direct('auth-check-direct'));
    const scope: AccessRule = { kind: 'scope', scope: 'ingest' };
    const user: AccessRule = { kind: 'user', param: 'uid' };
    const asKey = { authorization: `Bearer ${key}` };
    const asUser = { authorization: `Bearer ${token}` };
    const principal = await access.authenticate(scope, asKey);
    Object.assign(
      results,
      await timed('check API key', calls, () => access.check(scope, asKey)),
      await timed('check user token', calls, () => access.check(user, asUser, { uid: 'u0' })),
      await timed('authenticate API key', calls, () => access.authenticate(scope, asKey)),
      await timed('authenticate user token', calls, () => access.authenticate(user, asUser)),
      await timed('signer verify', calls, () => signer.verify(token, 'user')),
      await timed('budget EVALSHA', calls, () => access.allow(scope, principal, {})),
      await timed('budget script auto pipelined connection', calls, () => pipelined.spend('key:x')),
      await timed('budget script direct connection', calls, () => unpipelined.spend('key:x')),
      await timed('PING command connection', calls, () => valkey.command.ping()),
      await timed('PING direct connection', calls, () => direct.ping()),
    );
  } finally {
    await app.close();
    await server.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await run(Number(process.argv[2] ?? 20000));
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
