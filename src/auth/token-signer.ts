import { Injectable } from '@nestjs/common';
import { decodeJwt, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import { ValkeyService } from '../valkey/valkey.service.js';

/** What a token grants: one user's feed and socket, or reading one token stream. */
export type TokenAudience = 'user' | 'viewer';

const ISSUER = 'skein';
const ALGORITHM = 'HS256';
/** How long a replica signs with the kid it knows before asking which is current (a rotation reaches all within it). */
const CURRENT_MS = 1000;
/** An unknown kid reloads the keys at most this often (a forged kid must not turn every request into a round trip). */
const RELOAD_MS = 250;
/**
 * A verified token is trusted for this long, never past its expiry, before its signature is checked again (in the
 * background; jose's HS256 check takes ~170 µs of CPU here, more than the request budget's Valkey round trip;
 * bench/auth.ts). Nothing revokes a token before it expires, but were anything to (its key dropped), the first request
 * past this second would be the last one answered.
 */
const VERIFIED_MS = 1000;
/** Verified tokens kept at most; past it the cache starts over. */
const VERIFIED_MAX = 10000;

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

/**
 * Signs and verifies user and viewer tokens (JWT, HS256, with jose). The secrets live in Valkey, shared by every
 * replica; a rotation adds a key and makes it current, and tokens signed with an older key stay valid until they
 * expire (keys older than the longest token lifetime are dropped at the next rotation): no downtime, no restart.
 */
@Injectable()
export class TokenSigner {
  private readonly secrets = new Map<string, Uint8Array>();
  private current?: { kid: string; at: number };
  private lastReload = 0;
  private readonly verified = new Map<
    string,
    { audience: TokenAudience; subject: string; until: number; expires: number }
  >();
  private readonly verifying = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {}

  /** The longest a token can live: what a rotation must keep older keys for. */
  get maxLifetimeSeconds(): number {
    return Math.max(this.config.env.AUTH_USER_TOKEN_MAX_TTL_SECONDS, this.config.env.LLM_LOG_TTL_SECONDS);
  }

  async sign(audience: TokenAudience, subject: string, ttlSeconds: number): Promise<SignedToken> {
    const kid = await this.currentKid();
    const expiresAt = new Date(Math.floor(Date.now() / 1000 + ttlSeconds) * 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, kid })
      .setIssuer(ISSUER)
      .setAudience(`${ISSUER}:${audience}`)
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.secrets.get(kid)!);
    return { token, expiresAt };
  }

  /** The subject of a valid token for `audience`, or undefined (bad signature, unknown key, expired, other audience). */
  async verify(token: string, audience: TokenAudience): Promise<string | undefined> {
    const grant = await this.grantOf(token);
    return grant?.audience === audience ? grant.subject : undefined;
  }

  /**
   * What a valid token grants, whichever audience it names; undefined when it is not valid. A token verified less than
   * a second ago is not checked again; one verified earlier (and not expired) is answered from what was verified while
   * it is checked again in the background, so after the first request a token's signature check never sits on a
   * request's path (jose's HS256 check goes through WebCrypto's thread pool: an intermittent wait on the feed route,
   * bench/auth.ts), nor does decoding it (~30 µs per request, its profile). Concurrent first checks share one.
   */
  async grantOf(token: string): Promise<{ audience: TokenAudience; subject: string } | undefined> {
    const known = this.verified.get(token);
    if (known && Date.now() < known.expires) {
      if (Date.now() >= known.until) this.check(token, known.audience).catch(() => undefined);
      return known;
    }
    const audience = audienceOf(token);
    const subject = audience && (await this.check(token, audience));
    return subject ? { audience, subject } : undefined;
  }

  /** Verifies `token` now (one verification in flight per token), caching a valid one and forgetting an invalid one. */
  private check(token: string, audience: TokenAudience): Promise<string | undefined> {
    const key = `${audience}:${token}`;
    const pending = this.verifying.get(key);
    if (pending) return pending;
    const verifying = this.verifyNow(token, audience).finally(() => this.verifying.delete(key));
    this.verifying.set(key, verifying);
    return verifying;
  }

  private async verifyNow(token: string, audience: TokenAudience): Promise<string | undefined> {
    const now = Date.now();
    try {
      const { payload } = await jwtVerify<JWTPayload>(
        token,
        async (header) => {
          const secret = header.kid === undefined ? undefined : await this.secret(header.kid);
          if (!secret) throw new errors.JWKSNoMatchingKey();
          return secret;
        },
        { issuer: ISSUER, audience: `${ISSUER}:${audience}`, algorithms: [ALGORITHM] },
      );
      if (typeof payload.sub !== 'string') return this.forget(token);
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
      const expires = payload.exp === undefined ? Infinity : payload.exp * 1000;
      this.verified.set(token, {
        audience,
        subject: payload.sub,
        until: Math.min(now + VERIFIED_MS, expires),
        expires,
      });
      return payload.sub;
    } catch (error) {
      if (error instanceof errors.JOSEError) return this.forget(token);
      // Valkey could not say which keys exist: a token verified before stays answered from the cache, and is checked
      // again a second later.
      const known = this.verified.get(token);
      if (known) known.until = Date.now() + VERIFIED_MS;
      throw error;
    }
  }

  private forget(token: string): undefined {
    this.verified.delete(token);
    return undefined;
  }

  /** Makes a new key current on every replica (within a second); returns its kid. */
  async rotate(): Promise<string> {
    const { kid, secret } = newSecret();
    const key = this.valkey.keys.tokenSigningKeys;
    const stored = await this.valkey.command.hgetall(key);
    const retired = Object.entries(stored)
      .filter(([field, json]) => field.startsWith('k:') && outlived(json, this.maxLifetimeSeconds))
      .map(([field]) => field);
    const tx = this.valkey.command.multi().hset(key, `k:${kid}`, secret).hset(key, 'current', kid);
    const previous = stored.current && stored[`k:${stored.current}`];
    // Tokens signed with the previous key live at most maxLifetimeSeconds from now: the key is kept that long.
    if (previous)
      tx.hset(key, `k:${stored.current}`, JSON.stringify({ ...JSON.parse(previous), superseded_at: Date.now() }));
    if (retired.length > 0) tx.hdel(key, ...retired);
    await tx.exec();
    this.current = undefined;
    return kid;
  }

  private async currentKid(): Promise<string> {
    if (this.current && Date.now() - this.current.at < CURRENT_MS && this.secrets.has(this.current.kid)) {
      return this.current.kid;
    }
    const key = this.valkey.keys.tokenSigningKeys;
    let kid = await this.valkey.command.hget(key, 'current');
    if (!kid) {
      // The first replica to get here makes the first key; the others take the one that won.
      const made = newSecret();
      await this.valkey.command.hsetnx(key, `k:${made.kid}`, made.secret);
      if (!(await this.valkey.command.hsetnx(key, 'current', made.kid)))
        await this.valkey.command.hdel(key, `k:${made.kid}`);
      kid = (await this.valkey.command.hget(key, 'current'))!;
    }
    if (!this.secrets.has(kid)) await this.reload(true);
    this.current = { kid, at: Date.now() };
    return kid;
  }

  private async secret(kid: string): Promise<Uint8Array | undefined> {
    const known = this.secrets.get(kid);
    if (known || !/^[0-9a-f]{16}$/.test(kid)) return known;
    await this.reload(false);
    return this.secrets.get(kid);
  }

  private async reload(force: boolean): Promise<void> {
    if (!force && Date.now() - this.lastReload < RELOAD_MS) return;
    this.lastReload = Date.now();
    const stored = await this.valkey.command.hgetall(this.valkey.keys.tokenSigningKeys);
    this.secrets.clear();
    for (const [field, json] of Object.entries(stored)) {
      if (!field.startsWith('k:')) continue;
      const secret = (JSON.parse(json) as { secret?: string }).secret;
      if (secret) this.secrets.set(field.slice(2), Buffer.from(secret, 'base64url'));
    }
  }
}

function newSecret(): { kid: string; secret: string } {
  const secret = JSON.stringify({ secret: randomBytes(32).toString('base64url'), created_at: Date.now() });
  return { kid: randomBytes(8).toString('hex'), secret };
}

/** Whether every token signed with a key has expired: it stopped being current longer ago than a token lives. */
function outlived(json: string, lifetimeSeconds: number): boolean {
  const supersededAt = (JSON.parse(json) as { superseded_at?: number }).superseded_at;
  return supersededAt !== undefined && Date.now() - supersededAt > (lifetimeSeconds + 60) * 1000;
}

/** The audience a token names (unverified: only which check to make), or undefined. */
function audienceOf(token: string): TokenAudience | undefined {
  try {
    const { aud } = decodeJwt(token);
    if (aud === `${ISSUER}:user`) return 'user';
    if (aud === `${ISSUER}:viewer`) return 'viewer';
  } catch {
    // not a JWT after all
  }
  return undefined;
}
