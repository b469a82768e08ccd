import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { API_KEY_SCHEME, BEARER_SCHEME } from './auth/access.decorator.js';
import { HeaderedExceptionFilter } from './http/headered-exception.filter.js';
import { HttpMetrics } from './metrics/http-metrics.js';
import { CORS_EXPOSED_HEADERS, requireJsonBodies, securityHeaders } from './http/hardening.js';
import { AppValidationPipe } from './http/validation.pipe.js';
import { AppConfig } from './config/config.js';
import { Role } from './config/roles.js';
import { StreamWorkerHost } from './streams/stream-worker.host.js';
import { ValkeyIoAdapter } from './valkey/valkey-io.adapter.js';
import { ValkeyService } from './valkey/valkey.service.js';

/** Builds the Nest app for a configuration: the same path for `main.ts` and the tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    // A failed start reaches the caller (main.ts prints one line) instead of Nest's handler printing a stack and exiting;
    // the logs buffered until then are dropped with it.
    abortOnError: false,
    autoFlushLogs: false,
    bodyParser: false,
    rawBody: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.flushLogs();
  // Ahead of every route and parser: security headers (fast routes set the same list), CORS for CORS_ORIGINS only
  // (none: no cross-origin caller), and 415 for a body that is not JSON instead of a parser silently skipping it.
  app.disable('x-powered-by');
  app.use(securityHeaders());
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: [...config.corsOrigins], exposedHeaders: CORS_EXPOSED_HEADERS });
  }
  app.use(requireJsonBodies);
  app.useBodyParser('json', { limit: config.env.HTTP_BODY_LIMIT });
  // Retry-After (and any header an exception carries) reaches every HTTP answer the same way; not the gateways.
  app.useGlobalFilters(new HeaderedExceptionFilter(app.getHttpAdapter()));
  if (config.has(Role.Api)) {
    app.useGlobalPipes(new AppValidationPipe());
    app.useWebSocketAdapter(new ValkeyIoAdapter(app, app.get(ValkeyService), config.corsOrigins));
    const document = openApiDocument(app);
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  return app;
}

/**
 * The app's OpenAPI document. An operation's id is its controller's name without `Controller` followed by its
 * method's name (`IngestController.createBatch` -> `ingestCreateBatch`): readable, unique (a class cannot have two
 * methods of one name, nor the app two controllers of one name) and stable while the code keeps its names, so the
 * generated clients (clients/typescript, `npm run clients`) keep theirs. Where that reads badly (`usersUser`,
 * `topicsTopics`) the handler names its own with `@ApiOperation({ operationId })`, which @nestjs/swagger applies
 * after the factory's.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Skein')
      .setDescription('News pipeline, online feature store and LLM token streams on Valkey')
      .setVersion('0.1.0')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key (scopes: ingest, users, features:read, features:write, features:admin, llm, ops, admin), a user ' +
            'token (POST /auth/user-tokens) or a viewer token (POST /llm/streams). Each operation names what it needs ' +
            'in x-skein-access.',
        },
        BEARER_SCHEME,
      )
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key' }, API_KEY_SCHEME)
      .build(),
    { operationIdFactory: operationId },
  );
}

/** `UsersController`, `setTopics` -> `usersSetTopics`. */
export function operationId(controllerKey: string, methodKey: string): string {
  const controller = controllerKey.replace(/Controller$/, '');
  return (
    controller.charAt(0).toLowerCase() + controller.slice(1) + methodKey.charAt(0).toUpperCase() + methodKey.slice(1)
  );
}

/** The HTTP server could not listen on HOST:PORT; the message says which variable to change. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/**
 * Listens, then starts the stream workers: workers run only once the app is ready. Shutdown hooks come after init:
 * installed before, a SIGTERM during a start that waits on Valkey would wait with it instead of ending the process.
 */
export async function startApp(app: NestExpressApplication, config: AppConfig): Promise<void> {
  // Initialised first: the fast routes and Socket.IO wrap the server's request listeners as it initialises, and the
  // HTTP timer goes ahead of them all.
  await app.init();
  app.get(HttpMetrics).observe(app.getHttpServer());
  try {
    await app.listen(config.env.PORT, config.env.HOST);
  } catch (error) {
    throw listenError(error as NodeJS.ErrnoException, config);
  }
  app.enableShutdownHooks();
  await app.get(StreamWorkerHost).startAll();
}

function listenError(error: NodeJS.ErrnoException, config: AppConfig): Error {
  const { HOST, PORT } = config.env;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(`PORT=${PORT} is already in use on HOST=${HOST} (EADDRINUSE)`);
    case 'EACCES':
      return new ListenError(`not allowed to listen on PORT=${PORT} (EACCES): choose a port above 1023`);
    case 'EADDRNOTAVAIL':
      return new ListenError(`HOST=${HOST} is not an address of this machine (EADDRNOTAVAIL)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new ListenError(`HOST=${HOST} does not resolve to an address (${error.code})`);
    default:
      return error.code ? new ListenError(`cannot listen on HOST=${HOST} PORT=${PORT}: ${error.message}`) : error;
  }
}
