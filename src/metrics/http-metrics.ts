import { Injectable } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { activeTraceId } from '../tracing/stage-span.js';
import { Metrics, observeLatency } from './metrics.service.js';

const ROUTE = Symbol('skein.route');

interface RoutedRequest extends IncomingMessage {
  /** Set by a route answered ahead of Express (markRoute). */
  [ROUTE]?: string;
  /** Set by Express on the request its router matched: the route's template. */
  route?: { path?: unknown };
}

/** A route answered ahead of Express (src/http/fast-route.ts) names its path for the request's `route` label. */
export function markRoute(req: IncomingMessage, path: string): void {
  (req as RoutedRequest)[ROUTE] = path;
}

/**
 * The `route` label: the template of the route that answered (`/users/:uid/feed`), never the path asked for, whose
 * values grow with users and articles; `other` for what no route answered (404s, Socket.IO polling, static assets).
 */
function routeOf(req: RoutedRequest): string {
  const path = req[ROUTE] ?? req.route?.path;
  // A wildcard template (`{/*splat}`) is middleware mounted on every path (the request logger), not a route.
  return typeof path === 'string' && !path.includes('*') ? path : 'other';
}

/** Times every request the HTTP server answers into `skein_http_request_duration_seconds`. */
@Injectable()
export class HttpMetrics {
  constructor(private readonly metrics: Metrics) {}

  /**
   * Listens first on `server`'s requests, whichever listener answers them (fast routes, Socket.IO, Express): called
   * once the app is initialised, after those have wrapped the server's listeners (app.factory.ts, startApp).
   */
  observe(server: Server): void {
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.time(req, res));
  }

  private time(req: RoutedRequest, res: ServerResponse): void {
    const started = performance.now();
    // Read now: the request's server span (with tracing on) is the active one only while its listeners run.
    const traceId = activeTraceId();
    res.once('close', () => {
      // A caller that left before any answer was sent: no status code to file it under.
      const status = res.headersSent ? String(res.statusCode) : 'aborted';
      const labels = { method: req.method ?? 'GET', route: routeOf(req), status };
      observeLatency(this.metrics.httpRequestDuration, labels, (performance.now() - started) / 1000, traceId);
    });
  }
}
