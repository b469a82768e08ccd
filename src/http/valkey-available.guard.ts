import {
  HttpException,
  Injectable,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { ValkeyService } from '../valkey/valkey.service.js';
import type { HeaderedException } from './headered-exception.filter.js';

/** Paths that answer without Valkey: health and readiness say it is down, liveness, metrics and the page need it not. */
const OPEN_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics', '/']);

export class ValkeyUnreachableException extends ServiceUnavailableException implements HeaderedException {
  constructor() {
    super('Valkey is unreachable; retry shortly');
  }

  get headers(): Record<string, string> {
    return { 'Retry-After': '1' };
  }
}

/**
 * Whether an error thrown by a Valkey call means the server (or, on a cluster, the node holding the key's slot) is out
 * of reach for now — a node down, a failover under way, a connection lost — rather than a bug: such a request is a
 * 503 with Retry-After, not a 500.
 */
export function isValkeyUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (['MaxRetriesPerRequestError', 'ClusterAllFailedError'].includes(error.name)) return true;
  return /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING)\b|Too many Cluster redirections|Connection is closed|Failed to refresh slots cache|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(
    error.message,
  );
}

/** The answer for an error: itself when it is an HTTP one, a 503 with Retry-After when Valkey is out of reach. */
export function asHttpError(error: unknown): HttpException | undefined {
  if (error instanceof HttpException) return error;
  if (isValkeyUnavailable(error)) return new ValkeyUnreachableException();
  return undefined;
}

/**
 * While Valkey is unreachable, an HTTP request is a 503 with Retry-After at once, not an answer after the client's
 * retries run out (over a minute) or, for reads that tolerate a missing key, an empty pipeline that looks healthy.
 */
@Injectable()
export class ValkeyAvailableGuard implements CanActivate {
  constructor(private readonly valkey: ValkeyService) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || this.valkey.reachable) return true;
    const http = context.switchToHttp();
    if (OPEN_PATHS.has(http.getRequest<Request>().path)) return true;
    throw new ValkeyUnreachableException();
  }
}
