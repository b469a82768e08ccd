import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Helmet's defaults, less `upgrade-insecure-requests`: served over plain HTTP (a laptop, a private network behind a
 * TLS proxy that does not rewrite it) it would send browsers to https:// for /docs' own assets. Routes that need a
 * stricter policy (the page at /) set their own Content-Security-Policy, which replaces this one.
 */
const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

/** The middleware setting the security headers on every Express answer. */
export function securityHeaders(): ReturnType<typeof helmet> {
  return helmet(HELMET_OPTIONS);
}

/**
 * The same headers as a fixed list, computed once by running helmet against a recording response: answers written
 * ahead of Express (fast routes) set them without paying for the middleware on each request.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(HELMET_OPTIONS)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error as Error;
  });
  return Object.freeze(headers);
})();

/** Headers Express's CORS middleware lets a browser read on a cross-origin answer besides the safe ones. */
export const CORS_EXPOSED_HEADERS = ['Retry-After', 'WWW-Authenticate'];

const NO_HEADERS: OutgoingHttpHeaders = Object.freeze({});
const VARY_ORIGIN: OutgoingHttpHeaders = Object.freeze({ vary: 'Origin' });

/** CORS headers for an answer to `origin` (the request's Origin header): allowed ones only, as Express answers them. */
export function corsHeaders(origins: readonly string[], origin: string | undefined): OutgoingHttpHeaders {
  if (origins.length === 0) return NO_HEADERS;
  if (origin === undefined || !origins.includes(origin)) return VARY_ORIGIN;
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(','),
    vary: 'Origin',
  };
}

/**
 * Whether a Socket.IO handshake may proceed: no Origin (not a browser), the app's own origin (the page at /), or one
 * of CORS_ORIGINS. A browser sends WebSocket upgrades cross-origin without CORS, so this is the check that counts there.
 */
export function socketOriginAllowed(origins: readonly string[], req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origins.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The only request body type JSON routes accept. */
const JSON_TYPE = 'application/json';

/** The message of a 415 when `req` carries a body that is not JSON, else undefined. */
export function unsupportedBody(req: IncomingMessage): string | undefined {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody) return undefined;
  const type = req.headers['content-type'];
  const media = type?.split(';', 1)[0].trim().toLowerCase();
  if (media === JSON_TYPE) return undefined;
  return `the request body must be ${JSON_TYPE} (Content-Type: ${type ?? 'none'} was sent)`;
}

/** The body of a 415 answer, in Nest's error shape. */
export function unsupportedMediaTypeBody(message: string): { statusCode: number; message: string; error: string } {
  return { statusCode: HttpStatus.UNSUPPORTED_MEDIA_TYPE, message, error: 'Unsupported Media Type' };
}

/** Express middleware: a request whose body is not application/json gets 415 before any parser or route sees it. */
export function requireJsonBodies(req: Request, res: Response, next: NextFunction): void {
  const message = unsupportedBody(req);
  if (message === undefined) return next();
  res.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).json(unsupportedMediaTypeBody(message));
}
