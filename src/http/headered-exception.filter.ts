import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { asHttpError } from './valkey-available.guard.js';

/** An HttpException whose answer carries headers (every 429/503 here: Retry-After). */
export interface HeaderedException {
  readonly headers: Record<string, string>;
}

export function isHeadered(error: HttpException): error is HttpException & HeaderedException {
  return 'headers' in error && typeof error.headers === 'object' && error.headers !== null;
}

/**
 * The one place an HTTP answer gets an exception's headers: whichever controller, guard or service throws a
 * HeaderedException, the answer carries its headers and Nest's usual body. Installed globally for HTTP by createApp;
 * the fast routes, answered ahead of Nest, send the same headers themselves (FastRoute.serve).
 */
@Catch()
export class HeaderedExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  override catch(thrown: unknown, host: ArgumentsHost): void {
    // A Valkey node out of reach (a cluster node down, a failover) is a 503 with Retry-After, not a 500.
    const error = host.getType() === 'http' ? (asHttpError(thrown) ?? thrown) : thrown;
    if (host.getType() === 'http' && error instanceof HttpException && isHeadered(error)) {
      const res = host.switchToHttp().getResponse<Response>();
      if (!res.headersSent) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    }
    if (error !== thrown) this.logger.warn(`answered 503: ${(thrown as Error).message}`);
    super.catch(error, host);
  }
}
