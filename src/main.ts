import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { loadConfig, type AppConfig } from './config/config.js';
import { startTracing } from './tracing/tracing.js';
import { ValkeyUnavailableError } from './valkey/connection-check.js';
import { ValkeyBinaryMissingError } from './valkey/embedded-valkey.js';

/** Failures whose message already names the cause and what to change: printed without a stack. */
const EXPECTED_FAILURES = ['ListenError', ValkeyUnavailableError.name, ValkeyBinaryMissingError.name];

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`skein: ${(error as Error).message}\n`);
    process.exit(2);
  }
  // Before the app's modules load: the HTTP instrumentation patches node:http as Nest and Express require it.
  await startTracing(config);
  const { createApp, startApp } = await import('./app.factory.js');
  const { DemoLinks } = await import('./modules/feeds/demo-links.js');
  const app = await createApp(config);
  await startApp(app, config);
  exitIfStopHangs(config.env.SHUTDOWN_TIMEOUT_MS);
  new Logger('Skein').log(
    `listening on http://${config.env.HOST}:${config.env.PORT} with roles ${[...config.roles].join(',')}`,
  );
  // `make run`'s links for the demo users and the operator, to the terminal (they carry credentials: never logged).
  await app.get(DemoLinks).print((app.getHttpServer().address() as AddressInfo).port);
}

/** A stop that has not finished in `ms` (a hook waiting on something that will not answer) ends the process anyway. */
function exitIfStopHangs(ms: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`skein: stop did not finish within SHUTDOWN_TIMEOUT_MS (${ms} ms); exiting\n`);
        process.exit(1);
      }, ms).unref();
    });
  }
}

bootstrap().catch((error: Error) => {
  const expected = EXPECTED_FAILURES.includes(error.name);
  process.stderr.write(`skein: failed to start: ${expected ? error.message : (error.stack ?? error.message)}\n`);
  process.exit(1);
});
