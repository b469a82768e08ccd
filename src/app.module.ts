import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { destination, type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';
import { AppConfig } from './config/config.js';
import { AuthModule } from './auth/auth.module.js';
import { ConfigModule } from './config/config.module.js';
import { HealthModule } from './health/health.module.js';
import { ConnectionLimitsModule } from './http/connection-limiter.js';
import { ValkeyAvailableGuard } from './http/valkey-available.guard.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ClassifyModule } from './modules/classify/classify.module.js';
import { EnrichModule } from './modules/enrich/enrich.module.js';
import { FeaturesModule } from './modules/features/features.module.js';
import { FanoutModule } from './modules/fanout/fanout.module.js';
import { FeedsModule } from './modules/feeds/feeds.module.js';
import { WebModule } from './modules/feeds/web/web.module.js';
import { IngestModule } from './modules/ingest/ingest.module.js';
import { LlmStreamModule } from './modules/llm-stream/llm-stream.module.js';
import { McpModule } from './modules/mcp/mcp.module.js';
import { DeadLettersModule } from './streams/dead-letters.module.js';
import { StreamsModule } from './streams/streams.module.js';
import { TracingModule } from './tracing/tracing.module.js';
import { ValkeyModule } from './valkey/valkey.module.js';

/** Scraped or probed every few seconds: not logged per request. */
const PROBES = new Set(['/metrics', '/health', '/health/live', '/health/ready']);

/** A request URL as logged: a credential in the query (SSE's `?access_token=`, for EventSource) is replaced. */
export function loggedUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1<redacted>');
}

/**
 * Where log entries go. `json`: pino's JSON lines on stdout (pino's own default destination), as a collector wants
 * them. `pretty`: one human line per entry (time, level, [context], message, and a request's method, url, status and
 * time), written synchronously so a line printed just before an exit is not lost; an error's stack follows its line.
 */
function logDestination(format: 'pretty' | 'json'): DestinationStream {
  if (format === 'json') return destination(1);
  return pinoPretty({
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat:
      '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url}{end}' +
      '{if res.statusCode} {res.statusCode}{end}{if responseTime} {responseTime} ms{end}',
  });
}

/** Imports every module; `ROLES` decides which workers start and whether the HTTP API exists. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TracingModule,
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: config.env.LOG_LEVEL,
              genReqId: (req: IncomingMessage) => {
                const given = req.headers['x-request-id'];
                return typeof given === 'string' && given.length <= 128 ? given : randomUUID();
              },
              redact: [
                'req.headers.authorization',
                'req.headers.cookie',
                'req.headers["x-api-key"]',
                'req.query.access_token',
              ],
              serializers: {
                // Given pino's serialized request (a fresh object per entry): only its logged URL changes.
                req: (req: { url?: unknown }) => {
                  if (typeof req.url === 'string') req.url = loggedUrl(req.url);
                  return req;
                },
              },
              autoLogging: { ignore: (req: IncomingMessage) => PROBES.has(req.url ?? '') },
            },
            logDestination(config.env.LOG_FORMAT),
          ],
        }),
        MetricsModule,
        ConnectionLimitsModule,
        ValkeyModule,
        StreamsModule,
        AuthModule.register(config),
        DeadLettersModule.register(config),
        HealthModule,
        IngestModule.register(config),
        LlmStreamModule.register(config),
        FanoutModule.register(config),
        FeedsModule.register(config),
        WebModule.register(config),
        FeaturesModule.register(config),
        ClassifyModule.register(config),
        EnrichModule.register(config),
        McpModule.register(config),
      ],
      // While Valkey is unreachable, HTTP requests are a 503 with Retry-After at once.
      providers: [{ provide: APP_GUARD, useClass: ValkeyAvailableGuard }],
    };
  }
}
