import { HttpException, HttpStatus, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/config.js';
import type { HeaderedException } from '../http/headered-exception.filter.js';
import { LuaScript } from '../valkey/lua-script.js';
import { ValkeyService } from '../valkey/valkey.service.js';
import { budgetOf, type Principal } from './access-rule.js';

const TAKE = LuaScript.from(new URL('./sse-lease.lua', import.meta.url));
/** A lease lapses this long after its replica last renewed it (a replica that died frees its leases by then). */
const LEASE_MS = 30000;
const RENEW_MS = 10000;

export class TooManyEventStreamsException extends HttpException implements HeaderedException {
  constructor(cap: number) {
    super(
      `this credential has ${cap} event streams open (SSE_MAX_PER_CREDENTIAL); close one and retry`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  get headers(): Record<string, string> {
    return { 'Retry-After': '5' };
  }
}

/** An open SSE connection's hold on its credential's budget; release it when the connection ends. */
export interface SseLease {
  release(): void;
}

const NO_LEASE: SseLease = { release: () => undefined };

/**
 * SSE_MAX_PER_CREDENTIAL across every replica: each open event stream holds a lease in its credential's sorted set
 * in Valkey, renewed while it is open and removed when it closes.
 */
@Injectable()
export class SseLeases implements OnModuleDestroy {
  private readonly logger = new Logger(SseLeases.name);
  /** Held leases: id -> the key they are in. */
  private readonly held = new Map<string, string>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
  ) {
    this.renewal = setInterval(() => void this.renew(), RENEW_MS);
    this.renewal.unref();
  }

  /** Takes a lease for the caller's new event stream; 429 with Retry-After when it holds the cap already. */
  async acquire(caller: Principal): Promise<SseLease> {
    const cap = this.config.env.SSE_MAX_PER_CREDENTIAL;
    const budget = budgetOf(caller);
    if (cap === 0 || !budget) return NO_LEASE;
    const key = this.valkey.keys.sseLeases(budget);
    const id = randomBytes(8).toString('hex');
    const taken = await TAKE.run(this.valkey.command, [key], [Date.now(), id, LEASE_MS, cap]);
    if (taken !== 1) throw new TooManyEventStreamsException(cap);
    this.held.set(id, key);
    return {
      release: () => {
        if (!this.held.delete(id)) return;
        this.valkey.command.zrem(key, id).catch((error: Error) => {
          this.logger.debug(`lease ${id} not released (it lapses by itself): ${error.message}`);
        });
      },
    };
  }

  onModuleDestroy(): void {
    clearInterval(this.renewal);
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const until = Date.now() + LEASE_MS;
    const pipeline = this.valkey.command.pipeline();
    for (const [id, key] of this.held) pipeline.zadd(key, 'XX', until, id).pexpire(key, LEASE_MS * 2);
    await pipeline.exec().catch((error: Error) => this.logger.warn(`could not renew SSE leases: ${error.message}`));
  }
}
