import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { Valkey } from 'iovalkey';
import { ValkeyService } from '../valkey/valkey.service.js';
import { isScope, type Scope } from './scopes.js';

/** An API key as stored and listed: never the key itself, which is shown once when created. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  created_at: string;
}

/** A verified key is trusted for at most this long without asking Valkey again: revocation holds within a second. */
const CACHE_MS = 1000;
/** Cached lookups (hits and misses) kept at most; past it the cache starts over. */
const CACHE_MAX = 10000;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * API keys in Valkey, stored only as SHA-256 hashes (keys are 256-bit random, so a fast hash is enough: there is no
 * password to guess). Lookups are cached for a second per replica; a revocation is also announced on Pub/Sub so
 * every replica forgets at once.
 */
@Injectable()
export class ApiKeyRepository implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyRepository.name);
  private readonly cache = new Map<string, { record: ApiKeyRecord | undefined; at: number }>();
  /** Keys whose cached record is being refreshed in the background. */
  private readonly refreshing = new Set<string>();
  /** Moves on every `forget`: a lookup that started before it does not fill the cache. */
  private generation = 0;
  private subscriber?: Valkey;

  constructor(private readonly valkey: ValkeyService) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = this.valkey.subscriber('auth-keys');
    this.subscriber.on('message', () => this.forget());
    // Resubscribed by the client after a reconnect; what changed meanwhile ages out of the cache within CACHE_MS.
    await this.subscriber.subscribe(this.valkey.keys.apiKeysChanged);
  }

  onModuleDestroy(): void {
    this.forget();
  }

  /**
   * The record of a presented key, or undefined if it is unknown or revoked. A record is never older than CACHE_MS;
   * past half of it, the request is answered from the cache while one lookup refreshes it in the background, so a key
   * in steady use never has a request wait for Valkey (that wait queued behind fan-out's scripts in a one-process
   * replica and showed on the p99: bench/auth.ts).
   */
  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    const hash = hashKey(key);
    const cached = this.cache.get(hash);
    const age = Date.now() - (cached?.at ?? 0);
    if (cached && age < CACHE_MS) {
      if (age >= CACHE_MS / 2 && !this.refreshing.has(hash)) {
        this.refreshing.add(hash);
        this.lookUp(hash)
          .catch((error: Error) => this.logger.debug(`api key refresh: ${error.message}`))
          .finally(() => this.refreshing.delete(hash));
      }
      return cached.record;
    }
    return this.lookUp(hash);
  }

  private async lookUp(hash: string): Promise<ApiKeyRecord | undefined> {
    const at = Date.now();
    const generation = this.generation;
    const stored = await this.valkey.command.hget(this.valkey.keys.apiKeysByHash, hash);
    const record = stored ? parseRecord(stored) : undefined;
    // A revocation announced while this read was in flight cleared the cache: what it read may predate the
    // revocation, so it answers this caller (as a read just before the revocation would) but is not cached.
    if (generation !== this.generation) return record;
    if (this.cache.size >= CACHE_MAX) this.forget();
    this.cache.set(hash, { record, at });
    return record;
  }

  /** Drops every cached lookup (a key changed somewhere): reads in flight are not cached either. */
  private forget(): void {
    this.generation++;
    this.cache.clear();
  }

  /** Creates a key; the answer holds the key itself, which is not stored and cannot be shown again. */
  async create(name: string, scopes: Scope[]): Promise<ApiKeyRecord & { key: string }> {
    const id = randomBytes(6).toString('hex');
    const key = newKey(id);
    const record: ApiKeyRecord = { id, name, scopes: [...new Set(scopes)], created_at: new Date().toISOString() };
    await this.store(record, key);
    return { ...record, key };
  }

  /**
   * Stores `key` (any string an operator chose, e.g. AUTH_ADMIN_KEY) under a fixed id, replacing what that id held:
   * changing AUTH_ADMIN_KEY and restarting retires the old one.
   */
  async put(id: string, name: string, scopes: Scope[], key: string): Promise<void> {
    const { apiKeysById, apiKeysByHash } = this.valkey.keys;
    const previous = await this.valkey.command.hget(apiKeysById, id);
    if (previous === hashKey(key)) return;
    if (previous) await this.valkey.command.multi().hdel(apiKeysByHash, previous).hdel(apiKeysById, id).exec();
    await this.store({ id, name, scopes, created_at: new Date().toISOString() }, key);
    if (previous) await this.announce();
  }

  /** Creates a key under a fixed id only if the id is free (one replica wins a race); undefined if it was taken. */
  async createOnce(id: string, name: string, scopes: Scope[]): Promise<string | undefined> {
    const key = newKey(id);
    const hash = hashKey(key);
    const won = await this.valkey.command.hsetnx(this.valkey.keys.apiKeysById, id, hash);
    if (!won) return undefined;
    const record: ApiKeyRecord = { id, name, scopes, created_at: new Date().toISOString() };
    await this.valkey.command.hset(this.valkey.keys.apiKeysByHash, hash, JSON.stringify(record));
    return key;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const hashes = Object.values(await this.valkey.command.hgetall(this.valkey.keys.apiKeysById));
    if (hashes.length === 0) return [];
    const stored = await this.valkey.command.hmget(this.valkey.keys.apiKeysByHash, ...hashes);
    return stored
      .flatMap((json) => (json ? [parseRecord(json)] : []))
      .filter((record): record is ApiKeyRecord => record !== undefined)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  /** Revokes a key on every replica; false if there was no such key. */
  async revoke(id: string): Promise<boolean> {
    const { apiKeysById, apiKeysByHash } = this.valkey.keys;
    const hash = await this.valkey.command.hget(apiKeysById, id);
    if (!hash) return false;
    await this.valkey.command.multi().hdel(apiKeysByHash, hash).hdel(apiKeysById, id).exec();
    this.forget();
    await this.announce();
    return true;
  }

  private async store(record: ApiKeyRecord, key: string): Promise<void> {
    const hash = hashKey(key);
    await this.valkey.command
      .multi()
      .hset(this.valkey.keys.apiKeysByHash, hash, JSON.stringify(record))
      .hset(this.valkey.keys.apiKeysById, record.id, hash)
      .exec();
  }

  private async announce(): Promise<void> {
    await this.valkey.command.publish(this.valkey.keys.apiKeysChanged, 'revoked').catch((error: Error) => {
      // Replicas still forget within CACHE_MS.
      this.logger.warn(`could not announce a key revocation: ${error.message}`);
    });
  }
}

/** `skein_{id}_` and 256 random bits: the id lets a holder (and a secret scanner) tell which key leaked. */
function newKey(id: string): string {
  return `skein_${id}_${randomBytes(32).toString('base64url')}`;
}

function parseRecord(json: string): ApiKeyRecord | undefined {
  try {
    const record = JSON.parse(json) as ApiKeyRecord;
    return { ...record, scopes: record.scopes.filter(isScope) };
  } catch {
    return undefined;
  }
}
