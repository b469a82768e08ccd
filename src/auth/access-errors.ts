import { ForbiddenException, HttpException, HttpStatus, UnauthorizedException } from '@nestjs/common';
import type { HeaderedException } from '../http/headered-exception.filter.js';

/** 401: no credential, or one that is not valid; the answer says which without echoing it. */
export class CredentialRequiredException extends UnauthorizedException implements HeaderedException {
  constructor(private readonly invalid: boolean) {
    super(
      invalid
        ? 'the credential is not valid (unknown, revoked or expired)'
        : 'a credential is required: Authorization: Bearer <API key or token>',
    );
  }

  get headers(): Record<string, string> {
    return {
      'WWW-Authenticate': this.invalid ? 'Bearer realm="skein", error="invalid_token"' : 'Bearer realm="skein"',
    };
  }
}

/** 403 naming what the credential lacks (a scope, a user, a stream). */
export class AccessDeniedException extends ForbiddenException {}

/** 429: a credential spent its budget; Retry-After says when the next request is allowed. */
export class RateLimitedException extends HttpException implements HeaderedException {
  constructor(
    message: string,
    private readonly retryAfterMs: number,
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }

  get headers(): Record<string, string> {
    return { 'Retry-After': String(Math.max(1, Math.ceil(this.retryAfterMs / 1000))) };
  }
}
