import {
  BadRequestException,
  HttpException,
  HttpStatus,
  InternalServerErrorException,
  Logger,
  ValidationPipe,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { validate, type ValidatorOptions } from 'class-validator';
import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, Server, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { ACCESS_RULE } from '../auth/access.decorator.js';
import type { AccessRule } from '../auth/access-rule.js';
import type { AccessService } from '../auth/access.service.js';
import type { AppConfig } from '../config/config.js';
import type { ValkeyService } from '../valkey/valkey.service.js';
import { markRoute } from '../metrics/http-metrics.js';
import { assertBodyDepth } from './body-depth.js';
import { dtoInstance } from './dto-instance.js';
import { corsHeaders, SECURITY_HEADERS, unsupportedBody, unsupportedMediaTypeBody } from './hardening.js';
import { isHeadered } from './headered-exception.filter.js';
import { ValkeyUnreachableException, asHttpError } from './valkey-available.guard.js';

/** The app's validation rules: its global ValidationPipe (src/app.factory.ts) and fast routes apply the same. */
export const VALIDATION_RULES = {
  whitelist: true,
  forbidNonWhitelisted: true,
  stopAtFirstError: false,
} satisfies ValidatorOptions;
/** The global pipe's error body for the same validation errors. */
const invalid = new ValidationPipe(VALIDATION_RULES).createExceptionFactory();

/** Keys the global pipe strips at every depth (prototype pollution); looked for in the text before paying a reviver. */
const PROTO_KEYS = /"(?:__proto__|prototype|constructor)"/;

/**
 * A hot POST route answered by the HTTP server ahead of Express: Nest's router, body parser, ValidationPipe (its
 * class-transformer copy) and per-request logging cost ~1 ms of CPU per request, more than the work itself. Same
 * body limit, 415 for a body that is not JSON, security and CORS headers, validation rules, status codes and error
 * bodies as the controller route, which stays for the OpenAPI document; not access-logged (metrics count these
 * requests). For flat DTOs only: the parsed properties are defined on a DTO instance as they are, without
 * class-transformer (no @Type or @Transform is applied). Access is the controller handler's own `@Access…` rule,
 * checked by the same AccessService as the global guard: one door.
 */
export abstract class FastRoute<Dto extends object> implements OnApplicationBootstrap {
  protected readonly logger = new Logger(this.constructor.name);
  /** A route that changes nothing: its work may start while the caller's request budget is being counted. */
  protected readonly readOnly: boolean = false;
  private readonly rule: AccessRule;

  /** `controller.method` is the controller route this one stands in for: its access rule is this route's. */
  protected constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
    private readonly valkey: ValkeyService,
    private readonly access: AccessService,
    readonly path: string,
    private readonly dto: new () => Dto,
    private readonly status: HttpStatus,
    [controller, method]: [new (...args: never[]) => object, string],
  ) {
    const handler = (controller.prototype as Record<string, object>)[method];
    const rule = (Reflect.getMetadata(ACCESS_RULE, handler) ?? Reflect.getMetadata(ACCESS_RULE, controller)) as
      AccessRule | undefined;
    if (!rule) throw new Error(`${path}: its controller handler declares no @Access rule`);
    this.rule = rule;
  }

  /** The answer's body for a valid request. */
  protected abstract handle(body: Dto): Promise<unknown>;

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    // Every other request goes on to the listeners that were there (other fast routes, Socket.IO, then Express).
    const others = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST' && this.matches(req)) void this.serve(req, res);
      else for (const listener of others) listener.call(server, req, res);
    });
  }

  private matches(req: IncomingMessage): boolean {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    return (query === -1 ? url : url.slice(0, query)) === this.path;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    markRoute(req, this.path);
    // The answers Express would give: its security headers, its CORS headers, its 415.
    const cors = corsHeaders(this.config.corsOrigins, req.headers.origin);
    const unsupported = unsupportedBody(req);
    if (unsupported !== undefined) {
      req.resume();
      return send(res, HttpStatus.UNSUPPORTED_MEDIA_TYPE, unsupportedMediaTypeBody(unsupported), cors);
    }
    try {
      if (!this.valkey.reachable) throw new ValkeyUnreachableException();
      const { spent } = await this.access.admit(this.rule, {
        authorization: req.headers.authorization,
        apiKey: req.headers['x-api-key'],
      });
      if (!this.readOnly) await spent;
      const answer = this.body(req).then((body) => this.handle(body));
      // A refused budget answers first; the read's own outcome then goes nowhere.
      answer.catch(() => undefined);
      // A read overlaps the budget's round trip; it is answered only once the budget allows it.
      const [body] = await Promise.all([answer, spent]);
      send(res, this.status, body, cors);
    } catch (error) {
      // Refused before its body was read (401, 403, 429): drain it so the connection can carry the next request.
      if (!req.complete) req.resume();
      const http = asHttpError(error) ?? new InternalServerErrorException();
      if (!(error instanceof HttpException)) this.logger.error(`${this.path} failed: ${(error as Error).stack}`);
      const response = http.getResponse();
      const headers = isHeadered(http) ? http.headers : {};
      send(
        res,
        http.getStatus(),
        typeof response === 'string' ? { statusCode: http.getStatus(), message: response } : response,
        { ...cors, ...headers },
      );
    }
  }

  /** The request's body as a validated DTO instance, or the global pipe's 400. */
  private async body(req: IncomingMessage): Promise<Dto> {
    const raw = await getRawBody(req, { limit: this.config.env.HTTP_BODY_LIMIT, encoding: 'utf8' }).catch(
      (error: Error & { status?: number }) => {
        throw new HttpException(error.message, error.status ?? HttpStatus.BAD_REQUEST);
      },
    );
    let parsed: unknown;
    try {
      parsed = PROTO_KEYS.test(raw) ? JSON.parse(raw, dropProtoKeys) : JSON.parse(raw);
    } catch (error) {
      throw new BadRequestException(`malformed JSON body: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BadRequestException('the body must be a JSON object');
    }
    assertBodyDepth(parsed);
    const body = dtoInstance(this.dto, parsed);
    const errors = await validate(body, VALIDATION_RULES);
    if (errors.length > 0) throw invalid(errors) as HttpException;
    return body;
  }
}

function dropProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' || key === 'prototype' || key === 'constructor' ? undefined : value;
}

function send(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
