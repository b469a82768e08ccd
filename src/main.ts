import 'reflect-metadata';
import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { AppConfig, ConfigError, loadConfig } from './config/config.js';
import { Role } from './config/roles.js';
import { StreamWorkerHost } from './streams/stream-worker.host.js';
import { ValkeyBinaryMissingError } from './valkey/embedded-valkey.js';

export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  app.useBodyParser('json', { limit: config.env.HTTP_BODY_LIMIT });
  app.enableShutdownHooks();
  if (config.has(Role.Api)) {
    app.useGlobalPipes(
      new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
    );
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Skein')
        .setDescription('News pipeline, online feature store and LLM token streams on Valkey')
        .setVersion('0.1.0')
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  return app;
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`skein: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const app = await createApp(config);
  await app.listen(config.env.PORT, config.env.HOST);
  // Workers start only once the app is up and serving.
  await app.get(StreamWorkerHost).startAll();
  new Logger('Skein').log(
    `listening on http://${config.env.HOST}:${config.env.PORT} with roles ${[...config.roles].join(',')}`,
  );
}

bootstrap().catch((error: Error) => {
  const message = error instanceof ValkeyBinaryMissingError ? error.message : (error.stack ?? error.message);
  process.stderr.write(`skein: failed to start: ${message}\n`);
  process.exit(1);
});
