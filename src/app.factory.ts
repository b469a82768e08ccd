import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { VALIDATION_RULES } from './http/fast-route.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/config.js';
import { Role } from './config/roles.js';
import { StreamWorkerHost } from './streams/stream-worker.host.js';
import { ValkeyIoAdapter } from './valkey/valkey-io.adapter.js';
import { ValkeyService } from './valkey/valkey.service.js';

/** Builds the Nest app for a configuration: the same path for `main.ts` and the tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
    rawBody: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.useBodyParser('json', { limit: config.env.HTTP_BODY_LIMIT });
  app.enableShutdownHooks();
  if (config.has(Role.Api)) {
    app.useGlobalPipes(new ValidationPipe({ ...VALIDATION_RULES, transform: true }));
    app.useWebSocketAdapter(new ValkeyIoAdapter(app, app.get(ValkeyService)));
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

/** Listens, then starts the stream workers: workers run only once the app is ready. */
export async function startApp(app: NestExpressApplication, config: AppConfig): Promise<void> {
  await app.listen(config.env.PORT, config.env.HOST);
  await app.get(StreamWorkerHost).startAll();
}
