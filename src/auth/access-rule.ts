import type { Scope } from './scopes.js';

/**
 * What a route or socket needs, declared once on its handler with `@Access…` and checked by AccessService:
 * - `open`: anyone (health, the page, docs);
 * - `authenticated`: any valid credential (401 otherwise); what it may do is checked further in (the MCP tools);
 * - `metrics`: anyone unless METRICS_TOKEN is set, then that token;
 * - `scope`: an API key holding the scope (or `admin`);
 * - `user`: a user token whose subject is the route's `param`, or an API key with `users`;
 * - `stream`: a viewer token for the route's `param`, or an API key with `llm`; on SSE also as `?access_token=`.
 */
export type AccessRule =
  | { readonly kind: 'open' }
  | { readonly kind: 'metrics' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'scope'; readonly scope: Scope }
  | { readonly kind: 'user'; readonly param: string }
  /** `query`: the credential may also come as `?access_token=` (an EventSource cannot set headers). */
  | { readonly kind: 'stream'; readonly param: string; readonly query?: boolean };

/** Who is calling, once a credential is verified. */
export type Principal =
  | { readonly kind: 'key'; readonly id: string; readonly scopes: ReadonlySet<Scope> }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'viewer'; readonly streamId: string }
  /** AUTH_DISABLED: a loopback sandbox where everything is allowed. */
  | { readonly kind: 'sandbox' }
  | { readonly kind: 'anonymous' };

/** The budget a principal's requests count against (RATE_LIMIT_PER_MINUTE): one per key, user or stream. */
export function budgetOf(principal: Principal): string | undefined {
  switch (principal.kind) {
    case 'key':
      return `key:${principal.id}`;
    case 'user':
      return `user:${principal.userId}`;
    case 'viewer':
      return `viewer:${principal.streamId}`;
    default:
      return undefined;
  }
}
