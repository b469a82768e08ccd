import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiQuery,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AccessRule } from './access-rule.js';
import type { Scope } from './scopes.js';

/** Metadata key of a handler's (or controller's) AccessRule. */
export const ACCESS_RULE = 'skein:access';

/** The OpenAPI security schemes (declared in src/app.factory.ts). */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

function secured(rule: AccessRule, grantedBy: string, extra: MethodDecorator[] = []): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ApiExtension('x-skein-access', grantedBy),
    ApiUnauthorizedResponse({ description: 'No credential, or not a valid one (WWW-Authenticate: Bearer)' }),
    ApiForbiddenResponse({ description: `The credential is valid but is not ${grantedBy}` }),
    ApiTooManyRequestsResponse({ description: "Over the credential's RATE_LIMIT_PER_MINUTE (Retry-After)" }),
    ...extra,
  );
}

/**
 * Declares what a handler needs; the global AccessGuard (and the socket gateways' handshake) enforce it. A route that
 * declares nothing is refused, and the app does not start with one (AccessGuard.onApplicationBootstrap).
 */
export const Access = {
  /** Anyone, with or without a credential. */
  open: (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'open' } satisfies AccessRule),
  /** Anyone unless METRICS_TOKEN is set; then `Authorization: Bearer <METRICS_TOKEN>`. */
  metrics: (): MethodDecorator & ClassDecorator =>
    applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'metrics' } satisfies AccessRule), ApiBearerAuth(BEARER_SCHEME)),
  /**
   * Any valid credential (an API key of any scopes, a user or a viewer token); 401 without one. Only for a route
   * whose handler checks each operation's own rule with AccessService.authorize (the MCP tools).
   */
  authenticated: (): MethodDecorator & ClassDecorator =>
    secured({ kind: 'authenticated' }, 'any valid credential; each operation then checks its own rule'),
  /** An API key holding `scope` (or `admin`). */
  scope: (scope: Scope): MethodDecorator & ClassDecorator =>
    secured({ kind: 'scope', scope }, `an API key with scope ${scope}`),
  /** The user named by the route parameter `param`: that user's token, or an API key with `users`. */
  user: (param = 'uid'): MethodDecorator & ClassDecorator =>
    secured({ kind: 'user', param }, `a user token for this user, or an API key with scope users`),
  /** The token stream named by the route parameter `param`: its viewer token, or an API key with `llm`. */
  stream: (param = 'id'): MethodDecorator & ClassDecorator =>
    secured({ kind: 'stream', param }, `a viewer token for this stream, or an API key with scope llm`),
  /** As `stream`, for Server-Sent Events: the viewer token may also come as `?access_token=` (EventSource). */
  streamEvents: (param = 'id'): MethodDecorator & ClassDecorator =>
    secured({ kind: 'stream', param, query: true }, `a viewer token for this stream, or an API key with scope llm`, [
      ApiQuery({
        name: 'access_token',
        type: String,
        required: false,
        description: "The stream's viewer token, for clients that cannot set headers (EventSource)",
      }),
    ]),
};
