import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

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
@Catch(HttpException)
export class HeaderedExceptionFilter extends BaseExceptionFilter {
  override catch(error: HttpException, host: ArgumentsHost): void {
    if (host.getType() === 'http' && isHeadered(error)) {
      const res = host.switchToHttp().getResponse<Response>();
      if (!res.headersSent) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    }
    super.catch(error, host);
  }
}
