import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { AppConfig } from '../../config/config.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import { FeatureRowIndex } from './feature-row-index.js';
import type { FeatureEntity, FeatureField, FeatureService, FeatureView } from './feature-schema.js';

const DELETE_CHUNK = 500;
const PURGE = LuaScript.from(new URL('./purge-view.lua', import.meta.url));
const REGISTER = LuaScript.from(new URL('./register.lua', import.meta.url));

/** What register.lua answers. */
const REGISTERED = 1;
const FULL = -1;

export interface Registry {
  entities: Map<string, FeatureEntity>;
  views: Map<string, FeatureView>;
  services: Map<string, FeatureService>;
}

export type ViewInput = Omit<FeatureView, 'created_at' | 'updated_at'>;

/**
 * Entities, feature views and feature services, persisted as JSON in three Valkey hashes. Each replica caches the
 * whole registry and drops the cache when any replica publishes a change on the registry channel.
 */
@Injectable()
export class FeatureRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FeatureRegistry.name);
  private readonly listeners: (() => void)[] = [];
  private subscriber?: Valkey;
  private cached?: Promise<Registry>;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly config: AppConfig,
    private readonly index: FeatureRowIndex,
  ) {}

  async onModuleInit(): Promise<void> {
    const subscriber = this.valkey.subscriber('feature-registry');
    this.subscriber = subscriber;
    // Listeners run from the subscriber, never inside the request that made the change (its log context would stick).
    subscriber.on('message', () => this.invalidate(true));
    // Changes published while the subscriber was disconnected are lost: reload after every (re)connect.
    subscriber.on('ready', () => this.invalidate(true));
    await subscriber.subscribe(this.valkey.keys.featureRegistryChannel);
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.length = 0;
    if (this.subscriber) await this.valkey.release(this.subscriber);
  }

  /** Called after every registry change published by any replica, this one included. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The cached registry; one pipeline to Valkey after a change, none otherwise. */
  snapshot(): Promise<Registry> {
    if (!this.cached) {
      // invalidate() clears the cache, so a change landing during this load makes the next caller load again.
      const loading = this.load().catch((error: unknown) => {
        if (this.cached === loading) this.cached = undefined;
        throw error;
      });
      this.cached = loading;
    }
    return this.cached;
  }

  /** The registry as Valkey holds it now (the cache replaced): for a caller whose cached copy may predate a change. */
  reload(): Promise<Registry> {
    this.cached = undefined;
    return this.snapshot();
  }

  async view(name: string): Promise<FeatureView> {
    const view = (await this.snapshot()).views.get(name);
    if (!view) throw new NotFoundException(`feature view ${name} is not registered`);
    return view;
  }

  /** The entity of a view's rows (entities are never removed, so a registered view has one). */
  async entityOf(view: FeatureView): Promise<FeatureEntity> {
    return entityOfView(await this.snapshot(), view);
  }

  async createEntity(entity: FeatureEntity): Promise<FeatureEntity> {
    const limit = this.config.env.FEATURE_REGISTRY_MAX_ENTITIES;
    const created = await this.register(this.valkey.keys.featureEntities, entity.name, entity, limit);
    if (created === FULL) throw registryFull('entities', limit, 'FEATURE_REGISTRY_MAX_ENTITIES');
    if (created !== REGISTERED) {
      const existing = (await this.snapshot()).entities.get(entity.name);
      if (existing && JSON.stringify(existing.join_keys) === JSON.stringify(entity.join_keys)) return existing;
      throw new ConflictException(`entity ${entity.name} already exists with other join keys`);
    }
    await this.changed();
    return entity;
  }

  async createView(input: ViewInput): Promise<FeatureView> {
    this.assertViewSize(input);
    const registry = await this.snapshot();
    this.assertEntity(registry, input.entity);
    const now = new Date().toISOString();
    const view: FeatureView = { ...input, created_at: now, updated_at: now };
    const limit = this.config.env.FEATURE_REGISTRY_MAX_VIEWS;
    const created = await this.register(this.valkey.keys.featureViews, view.name, view, limit);
    if (created === FULL) throw registryFull('feature views', limit, 'FEATURE_REGISTRY_MAX_VIEWS');
    if (created !== REGISTERED) {
      throw new ConflictException(`feature view ${view.name} already exists; use PUT to change it`);
    }
    await this.changed();
    return view;
  }

  /** Replaces a view's definition: features may be added, never removed or retyped (stored values would lie). */
  async updateView(name: string, input: Omit<ViewInput, 'name'>): Promise<FeatureView> {
    this.assertViewSize(input);
    const current = await this.view(name);
    if (input.entity !== current.entity) {
      throw new ConflictException(`entity: a view's entity cannot change (${current.entity} → ${input.entity})`);
    }
    const next = new Map(input.features.map((field) => [field.name, field]));
    for (const old of current.features) {
      const field = next.get(old.name);
      if (!field) throw new ConflictException(`features.${old.name}: features cannot be removed from a view`);
      if (field.type !== old.type || (field.length ?? null) !== (old.length ?? null)) {
        throw new ConflictException(
          `features.${old.name}: type cannot change (${describeType(old)} → ${describeType(field)})`,
        );
      }
    }
    const view: FeatureView = { ...input, name, created_at: current.created_at, updated_at: new Date().toISOString() };
    await this.valkey.command.hset(this.valkey.keys.featureViews, name, JSON.stringify(view));
    await this.changed();
    return view;
  }

  /** Removes the view, its stream and its rows; rows are found through the view's index set, never by SCAN. */
  async deleteView(name: string): Promise<{ name: string; rows_removed: number }> {
    await this.view(name);
    await this.valkey.command.hdel(this.valkey.keys.featureViews, name);
    // Materializers stop on this notice; what one writes in the meantime is purged again once it has stopped.
    await this.changed();
    const removed = await this.purge(name);
    this.logger.log(`feature view ${name} deleted with ${removed} rows`);
    return { name, rows_removed: removed };
  }

  /**
   * Removes the rows, index and stream of a view that is not registered (none of a registered one: a view created
   * again under the name keeps its data); answers the rows removed.
   */
  async purge(name: string): Promise<number> {
    const keys = this.valkey.keys;
    const client = this.valkey.command;
    let removed = 0;
    if (this.valkey.clustered) {
      // The registry, the stream and each slot's index are in different slots: the check that the view is not
      // registered comes before each round instead of inside each call (a view created again between the two loses
      // the rows written in that one round trip; its worker starts, reads and writes only after hearing of it).
      for (;;) {
        if ((await client.hexists(keys.featureViews, name)) === 1) return removed;
        const round = await this.index.purgeSlots(name, DELETE_CHUNK);
        removed += round.removed;
        if (round.done) break;
      }
      if ((await client.hexists(keys.featureViews, name)) === 0) await client.unlink(keys.featureStream(name));
      return removed;
    }
    const purgeKeys = [keys.featureViews, keys.featureViewIndex(name), keys.featureStream(name)];
    for (;;) {
      const [rows, state] = (await PURGE.run(client, purgeKeys, [name, keys.featureRow(name, ''), DELETE_CHUNK])) as [
        number,
        number,
      ];
      removed += rows;
      if (state !== 0) return removed;
    }
  }

  async createService(service: FeatureService): Promise<FeatureService> {
    const registry = await this.snapshot();
    const errors = service.features.flatMap((ref, i) => {
      const problem = checkReference(registry, ref);
      return problem ? [`features[${i}]: ${problem}`] : [];
    });
    if (errors.length > 0) throw new BadRequestException(errors);
    const limit = this.config.env.FEATURE_REGISTRY_MAX_SERVICES;
    const created = await this.register(this.valkey.keys.featureServices, service.name, service, limit);
    if (created === FULL) throw registryFull('feature services', limit, 'FEATURE_REGISTRY_MAX_SERVICES');
    if (created !== REGISTERED) {
      // Read from Valkey, not the cache: another replica may have registered it a moment ago.
      const stored = await this.valkey.command.hget(this.valkey.keys.featureServices, service.name);
      const existing = stored === null ? undefined : (JSON.parse(stored) as FeatureService);
      if (existing && sameService(existing, service)) return existing;
      throw new ConflictException(`feature service ${service.name} already exists with another definition`);
    }
    await this.changed();
    return service;
  }

  async service(name: string): Promise<FeatureService> {
    const service = (await this.snapshot()).services.get(name);
    if (!service) throw new NotFoundException(`feature service ${name} is not registered`);
    return service;
  }

  /** Writes a definition under a new name unless the hash holds `limit` names: REGISTERED, 0 (name taken) or FULL. */
  private async register(hash: string, name: string, definition: object, limit: number): Promise<number> {
    return Number(await REGISTER.run(this.valkey.command, [hash], [name, JSON.stringify(definition), limit]));
  }

  /** A view's features and tags within their limits, else a 400 naming the field and the limit. */
  private assertViewSize(input: Pick<ViewInput, 'features' | 'tags'>): void {
    const env = this.config.env;
    const errors: string[] = [];
    if (input.features.length > env.FEATURE_MAX_FEATURES_PER_VIEW) {
      errors.push(
        `features: ${input.features.length} features, more than FEATURE_MAX_FEATURES_PER_VIEW=` +
          `${env.FEATURE_MAX_FEATURES_PER_VIEW}`,
      );
    }
    const tags = Object.keys(input.tags ?? {}).length;
    if (tags > env.FEATURE_MAX_TAGS_PER_VIEW) {
      errors.push(`tags: ${tags} tags, more than FEATURE_MAX_TAGS_PER_VIEW=${env.FEATURE_MAX_TAGS_PER_VIEW}`);
    }
    if (errors.length > 0) throw new BadRequestException(errors);
  }

  private assertEntity(registry: Registry, entity: string): void {
    if (!registry.entities.has(entity)) throw new BadRequestException([`entity: entity ${entity} is not registered`]);
  }

  private async changed(): Promise<void> {
    this.invalidate();
    await this.valkey.command.publish(this.valkey.keys.featureRegistryChannel, 'changed');
  }

  private invalidate(notify = false): void {
    this.cached = undefined;
    if (notify) for (const listener of this.listeners) listener();
  }

  private async load(): Promise<Registry> {
    const keys = this.valkey.keys;
    const replies = (await this.valkey.command
      .pipeline()
      .hgetall(keys.featureEntities)
      .hgetall(keys.featureViews)
      .hgetall(keys.featureServices)
      .exec()) as [Error | null, Record<string, string>][];
    const [entities, views, services] = replies.map(([error, hash]) => {
      if (error) throw error;
      return new Map(Object.entries(hash).map(([name, json]) => [name, JSON.parse(json) as unknown]));
    });
    return {
      entities: entities as Map<string, FeatureEntity>,
      views: views as Map<string, FeatureView>,
      services: services as Map<string, FeatureService>,
    };
  }
}

/** Why `view:feature` does not name a registered feature, or undefined when it does. */
export function checkReference(registry: Registry, ref: string): string | undefined {
  const [viewName, feature, ...rest] = ref.split(':');
  if (feature === undefined || rest.length > 0) return `${ref} is not of the form view:feature`;
  const view = registry.views.get(viewName);
  if (!view) return `feature view ${viewName} is not registered`;
  if (!view.features.some((field) => field.name === feature)) return `feature ${feature} is not in view ${viewName}`;
  return undefined;
}

/** The entity of a view's rows in a registry snapshot (one without join keys if it were ever missing). */
export function entityOfView(registry: Registry, view: FeatureView): FeatureEntity {
  return registry.entities.get(view.entity) ?? { name: view.entity, join_keys: [] };
}

/** 409: the registry holds as many definitions of a kind as its limit allows; nothing was written. */
function registryFull(kind: string, limit: number, variable: string): ConflictException {
  return new ConflictException(
    `the registry holds ${limit} ${kind}, its limit (${variable}=${limit}); nothing was added`,
  );
}

function sameService(a: FeatureService, b: FeatureService): boolean {
  return JSON.stringify(a.features) === JSON.stringify(b.features) && a.description === b.description;
}

function describeType(field: FeatureField): string {
  return field.type === 'VECTOR' ? `VECTOR(${field.length})` : field.type;
}
