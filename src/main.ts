import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, startApp } from './app.factory.js';
import { loadConfig, type AppConfig } from './config/config.js';
import { ValkeyBinaryMissingError } from './valkey/embedded-valkey.js';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`skein: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const app = await createApp(config);
  await startApp(app, config);
  new Logger('Skein').log(
    `listening on http://${config.env.HOST}:${config.env.PORT} with roles ${[...config.roles].join(',')}`,
  );
}

bootstrap().catch((error: Error) => {
  const message = error instanceof ValkeyBinaryMissingError ? error.message : (error.stack ?? error.message);
  process.stderr.write(`skein: failed to start: ${message}\n`);
  process.exit(1);
});
