import { Injectable, ServiceUnavailableException, type CanActivate, type ExecutionContext } from '@nestjs/common';
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
