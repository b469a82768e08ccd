import { Injectable, Logger } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import { ValkeyUnreachableException } from '../http/valkey-available.guard.js';
import { ValkeyService } from '../valkey/valkey.service.js';
import { AccessDeniedException, CredentialRequiredException, RateLimitedException } from './access-errors.js';
import { budgetOf, type AccessRule, type Principal } from './access-rule.js';
import { ApiKeyRepository } from './api-keys.repository.js';
import { RequestBudget } from './request-budget.js';
import { grants } from './scopes.js';
import { TokenSigner } from './token-signer.js';

/** Where a request's credential may be: the Authorization header, `x-api-key`, or (SSE only) `?access_token=`. */
export interface Presented {
  authorization?: string | string[];
  apiKey?: string | string[];
  accessToken?: unknown;
}

type Params = Readonly<Record<string, string>>;

/** Three base64url parts: a JWT (a user or viewer token); anything else is taken for an API key. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_CREDENTIAL_CHARS = 4096;

const ANONYMOUS: Principal = { kind: 'anonymous' };
const SANDBOX: Principal = { kind: 'sandbox' };
const SPENT = Promise.resolve();

/**
 * The one door: every HTTP route (through AccessGuard and the fast routes) and every socket handshake is checked
 * here against the rule its handler declares — who is calling (an API key, a user token, a viewer token), whether
 * that grants the rule, and the caller's request budget shared by every replica through Valkey.
 */
@Injectable()
export class AccessService {
  private readonly logger = new Logger(AccessService.name);
  private readonly requests?: RequestBudget;
  private readonly streamStarts?: RequestBudget;

  constructor(
    private readonly config: AppConfig,
    private readonly valkey: ValkeyService,
    private readonly keys: ApiKeyRepository,
    private readonly signer: TokenSigner,
  ) {
    const { RATE_LIMIT_PER_MINUTE, LLM_MAX_STREAMS_PER_MINUTE, AUTH_DISABLED } = config.env;
    // The sandbox has no budgets (budgetOf): no limiter, no connection for one.
    if (AUTH_DISABLED) return;
    // Its blocks are taken on a direct connection, written at once: the auto-pipelined command connection would add an
    // event-loop turn and CPU to the requests that wait for a take (bench/auth.ts).
    let store: Valkey | undefined;
    const limiter = (name: string, points: number): RequestBudget | undefined =>
      points > 0
        ? new RequestBudget((store ??= valkey.direct('rate-limits')), `${valkey.keys.rateLimits}:${name}`, points)
        : undefined;
    this.requests = limiter('requests', RATE_LIMIT_PER_MINUTE);
    this.streamStarts = limiter('llm-streams', LLM_MAX_STREAMS_PER_MINUTE);
  }

  get disabled(): boolean {
    return this.config.env.AUTH_DISABLED;
  }

  /**
   * Checks a request against its rule and spends one request of the caller's budget; throws 401, 403 or 429.
   * `params` are the route's parameters, or (a socket handshake) drawn from who the caller turned out to be.
   */
  async check(
    rule: AccessRule,
    presented: Presented,
    params: Params | ((principal: Principal) => Params) = {},
  ): Promise<Principal> {
    const { principal, spent } = await this.admit(rule, presented, params);
    await spent;
    return principal;
  }

  /**
   * As `check`, with the budget spent by the returned promise, which the caller awaits alongside its own work: a read
   * that changes nothing may start before its caller's budget answers (the round trip overlaps the read, bench/auth.ts)
   * and is answered 429 if the budget refuses. Who the caller is and what it may do are checked first, always.
   */
  async admit(
    rule: AccessRule,
    presented: Presented,
    params: Params | ((principal: Principal) => Params) = {},
  ): Promise<{ principal: Principal; spent: Promise<void> }> {
    if (rule.kind === 'open') return { principal: ANONYMOUS, spent: SPENT };
    if (rule.kind === 'metrics') return { principal: this.checkMetrics(presented), spent: SPENT };
    if (this.disabled) return { principal: SANDBOX, spent: SPENT };
    const principal = await this.authenticate(rule, presented);
    this.authorize(rule, principal, typeof params === 'function' ? params(principal) : params);
    const spent = this.spend(this.requests, principal, 'requests', 'RATE_LIMIT_PER_MINUTE');
    // Awaited by the caller; until then (or if its own work fails first) a refusal must not go unhandled.
    spent.catch(() => undefined);
    return { principal, spent };
  }

  /** A further request of a caller already authenticated (a socket's message): authorized and counted like a request. */
  async allow(rule: AccessRule, principal: Principal, params: Params): Promise<void> {
    this.authorize(rule, principal, params);
    await this.spend(this.requests, principal, 'requests', 'RATE_LIMIT_PER_MINUTE');
  }

  /** Counts one new token stream against the caller's LLM_MAX_STREAMS_PER_MINUTE; 429 when it is spent. */
  async spendStreamStart(principal: Principal): Promise<void> {
    await this.spend(this.streamStarts, principal, 'new token streams', 'LLM_MAX_STREAMS_PER_MINUTE');
  }

  /** Who a credential is, whatever it may do; 401 when it is missing or not valid. */
  async authenticate(rule: AccessRule, presented: Presented): Promise<Principal> {
    if (this.disabled) return SANDBOX;
    const credential = credentialOf(presented, rule.kind === 'stream' && rule.query === true);
    if (!credential) throw new CredentialRequiredException(false);
    if (credential.length > MAX_CREDENTIAL_CHARS) throw new CredentialRequiredException(true);
    try {
      if (JWT_SHAPE.test(credential)) {
        const grant = await this.signer.grantOf(credential);
        if (!grant) throw new CredentialRequiredException(true);
        return grant.audience === 'user'
          ? { kind: 'user', userId: grant.subject }
          : { kind: 'viewer', streamId: grant.subject };
      }
      const record = await this.keys.verify(credential);
      if (!record) throw new CredentialRequiredException(true);
      return { kind: 'key', id: record.id, scopes: new Set(record.scopes) };
    } catch (error) {
      if (error instanceof CredentialRequiredException) throw error;
      this.logger.warn(`could not verify a credential: ${(error as Error).message}`);
      throw new ValkeyUnreachableException();
    }
  }

  /** 403 naming what is missing when `principal` does not grant `rule`. */
  authorize(rule: AccessRule, principal: Principal, params: Params): void {
    if (principal.kind === 'sandbox' || rule.kind === 'open' || rule.kind === 'metrics') return;
    switch (rule.kind) {
      case 'authenticated':
        if (principal.kind !== 'anonymous') return;
        throw new CredentialRequiredException(false);
      case 'scope':
        if (principal.kind === 'key' && grants(principal.scopes, rule.scope)) return;
        throw new AccessDeniedException(`this needs an API key with scope ${rule.scope}${held(principal)}`);
      case 'user': {
        const uid = params[rule.param];
        if (principal.kind === 'user' && principal.userId === uid) return;
        if (principal.kind === 'key' && grants(principal.scopes, 'users')) return;
        throw new AccessDeniedException(
          principal.kind === 'user'
            ? `this token is for user ${principal.userId}, not user ${uid}`
            : `this needs a user token for user ${uid} or an API key with scope users${held(principal)}`,
        );
      }
      case 'stream': {
        const id = params[rule.param];
        if (principal.kind === 'viewer' && principal.streamId === id) return;
        if (principal.kind === 'key' && grants(principal.scopes, 'llm')) return;
        throw new AccessDeniedException(
          principal.kind === 'viewer'
            ? `this viewer token is for stream ${principal.streamId}, not stream ${id}`
            : `this needs the stream's viewer token or an API key with scope llm${held(principal)}`,
        );
      }
    }
  }

  private checkMetrics(presented: Presented): Principal {
    const token = this.config.env.METRICS_TOKEN;
    if (!token) return ANONYMOUS;
    const given = credentialOf(presented, false);
    if (!given) throw new CredentialRequiredException(false);
    if (!sameSecret(given, token)) throw new CredentialRequiredException(true);
    return ANONYMOUS;
  }

  private async spend(
    limiter: RequestBudget | undefined,
    principal: Principal,
    what: string,
    variable: string,
  ): Promise<void> {
    const budget = budgetOf(principal);
    if (!limiter || !budget) return;
    let retryAfterMs: number;
    try {
      retryAfterMs = await limiter.spend(budget);
    } catch (error) {
      this.logger.warn(`could not count ${what}: ${(error as Error).message}`);
      throw new ValkeyUnreachableException();
    }
    if (retryAfterMs > 0) {
      throw new RateLimitedException(
        `too many ${what}: ${limiter.points} per minute per credential (${variable}); retry later`,
        retryAfterMs,
      );
    }
  }
}

/** The presented credential: the bearer token, else the x-api-key header, else (when allowed) the query's. */
function credentialOf(presented: Presented, queryAllowed: boolean): string | undefined {
  const authorization = single(presented.authorization);
  if (authorization) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    return match ? match[1] : authorization.trim() ? '\u0000' : undefined;
  }
  const apiKey = single(presented.apiKey);
  if (apiKey) return apiKey.trim();
  if (queryAllowed && typeof presented.accessToken === 'string' && presented.accessToken) return presented.accessToken;
  return undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function held(principal: Principal): string {
  switch (principal.kind) {
    case 'key':
      return principal.scopes.size > 0
        ? ` (this key has ${[...principal.scopes].join(', ')})`
        : ' (this key has no scopes)';
    case 'user':
      return ' (a user token opens only its user)';
    case 'viewer':
      return ' (a viewer token reads only its stream)';
    default:
      return '';
  }
}
