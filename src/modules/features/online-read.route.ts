import {
  HttpException,
  HttpStatus,
  Injectable,
  InternalServerErrorException,
  Logger,
  ValidationPipe,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { validate, type ValidatorOptions } from 'class-validator';
import getRawBody from 'raw-body';
import { AppConfig } from '../../config/config.js';
import { OnlineFeaturesRequestDto } from './features.dto.js';
import { OnlineFeaturesService } from './online-features.service.js';

export const ONLINE_READ_PATH = '/features/get-online-features';

/** The rules of the app's global pipe, applied by class-validator to the DTO directly (see dto()). */
const RULES: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true };
/** The global pipe's error body for the same validation errors. */
const invalid = new ValidationPipe(RULES).createExceptionFactory();

/**
 * The online read is the feature store's hot path (a model calls it for every prediction), so the HTTP server answers
 * it ahead of Express, Nest's router and per-request logging, which cost ~1 ms of CPU per request. Same body limit,
 * validation (the DTO through a ValidationPipe), status codes and error bodies as the controller route, which stays
 * for the OpenAPI document. Every other request goes on to the listeners that were there (Socket.IO, then Express).
 */
@Injectable()
export class OnlineReadRoute implements OnApplicationBootstrap {
  private readonly logger = new Logger(OnlineReadRoute.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly online: OnlineFeaturesService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    const others = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST' && isOnlineRead(req)) void this.serve(req, res);
      else for (const listener of others) listener.call(server, req, res);
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const raw = await getRawBody(req, { limit: this.config.env.HTTP_BODY_LIMIT, encoding: 'utf8' }).catch(
        (error: Error & { status?: number }) => {
          throw new HttpException(error.message, error.status ?? HttpStatus.BAD_REQUEST);
        },
      );
      let body: unknown;
      try {
        body = PROTO_KEYS.test(raw) ? JSON.parse(raw, dropProtoKeys) : JSON.parse(raw);
      } catch (error) {
        throw new HttpException(`malformed JSON body: ${(error as Error).message}`, HttpStatus.BAD_REQUEST);
      }
      const request = dto(body);
      const errors = await validate(request, RULES);
      if (errors.length > 0) throw invalid(errors) as HttpException;
      send(res, HttpStatus.OK, await this.online.read(request));
    } catch (error) {
      const http = error instanceof HttpException ? error : new InternalServerErrorException();
      if (!(error instanceof HttpException)) this.logger.error(`online read failed: ${(error as Error).stack}`);
      const response = http.getResponse();
      send(
        res,
        http.getStatus(),
        typeof response === 'string' ? { statusCode: http.getStatus(), message: response } : response,
      );
    }
  }
}

/** Keys the global pipe strips at every depth (prototype pollution); looked for in the text before paying a reviver. */
const PROTO_KEYS = /"(?:__proto__|prototype|constructor)"/;

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'prototype' || key === 'constructor' ? undefined : value;
}

/**
 * The parsed body as a DTO instance for class-validator. The global ValidationPipe gets there through
 * class-transformer, a deep copy that costs ~60 µs of the read's CPU; this DTO declares no transformations, so the
 * parsed properties are defined on an instance as they are (prototype keys were dropped by the parse).
 */
function dto(body: unknown): OnlineFeaturesRequestDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpException('the body must be a JSON object', HttpStatus.BAD_REQUEST);
  }
  const request = new OnlineFeaturesRequestDto();
  for (const [key, value] of Object.entries(body)) {
    Object.defineProperty(request, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return request;
}

function isOnlineRead(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
  return path === ONLINE_READ_PATH && (req.headers['content-type'] ?? '').includes('json');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
