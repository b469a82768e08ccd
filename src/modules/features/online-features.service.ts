import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { AppConfig } from '../../config/config.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { execIdempotent } from '../../valkey/pipeline.js';
import { groupBySlot } from '../../valkey/slots.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import {
  decodeValue,
  ENCODING_FIELD,
  entityIdOf,
  fieldsByName,
  MAX_EVENT_TIME,
  TEXT_ENCODING,
  UPDATED_AT_FIELD,
  type FeatureType,
  type FeatureView,
} from './feature-schema.js';
import { checkReference, entityOfView, FeatureRegistry } from './feature-registry.service.js';
import type { OnlineColumnDto, OnlineFeaturesRequestDto, OnlineFeaturesResponseDto } from './features.dto.js';
import { FeatureMetrics } from './features.metrics.js';

export type FeatureStatus = 'PRESENT' | 'NOT_FOUND' | 'NULL_VALUE' | 'OUTSIDE_MAX_AGE';
const EPOCH = new Date(0).toISOString();

interface ViewRead {
  view: FeatureView;
  joinKeys: string[];
  features: string[];
  /** The type of each feature: it decides how the stored text is parsed back. */
  types: FeatureType[];
  /** Column index of each feature in the response. */
  columns: number[];
}

const ONLINE_READ = LuaScript.from(new URL('./online-read.lua', import.meta.url));

/** Online reads in Feast's shape: one script call reading every (view, entity) row, one round trip. */
@Injectable()
export class OnlineFeaturesService {
  /** Reads are one command each: written at once rather than auto-pipelined (see ValkeyService.direct). */
  private readonly reads: Valkey;

  constructor(
    private readonly valkey: ValkeyService,
    private readonly registry: FeatureRegistry,
    private readonly config: AppConfig,
    private readonly metrics: FeatureMetrics,
  ) {
    this.reads = valkey.direct('online-reads');
  }

  async read(request: OnlineFeaturesRequestDto): Promise<OnlineFeaturesResponseDto> {
    const stopTimer = this.metrics.onlineReadDuration.startTimer();
    try {
      return await this.answer(request);
    } finally {
      stopTimer();
    }
  }

  private async answer(request: OnlineFeaturesRequestDto): Promise<OnlineFeaturesResponseDto> {
    if (request.feature_service !== undefined && request.features !== undefined) {
      throw new BadRequestException(['features: give either features or feature_service, not both']);
    }
    const registry = await this.registry.snapshot();
    let refs = request.features ?? [];
    if (request.feature_service !== undefined) {
      const service = registry.services.get(request.feature_service);
      if (!service) throw new NotFoundException(`feature service ${request.feature_service} is not registered`);
      refs = service.features;
    }
    // A view nobody registered is a 404, as it is for a push; every other problem with the request is a 400.
    const named = refs.map((ref) => ref.split(':')).filter((parts) => parts.length === 2);
    const unregistered = [...new Set(named.map(([view]) => view))].filter((view) => !registry.views.has(view));
    if (unregistered.length > 0) {
      throw new NotFoundException(
        unregistered.length === 1
          ? `feature view ${unregistered[0]} is not registered`
          : `feature views ${unregistered.join(', ')} are not registered`,
      );
    }
    const errors: string[] = [];

    const joinKeys = Object.keys(request.entities);
    if (joinKeys.length === 0) throw new BadRequestException(['entities: at least one join key expected']);
    let rows = -1;
    for (const key of joinKeys) {
      const values = request.entities[key];
      if (!Array.isArray(values) || values.length === 0) {
        errors.push(`entities.${key}: a non-empty array expected`);
        continue;
      }
      if (rows === -1) rows = values.length;
      else if (values.length !== rows)
        errors.push(`entities.${key}: ${values.length} values, but other join keys have ${rows}`);
      if (
        values.some((value) => typeof value !== 'string' && !(typeof value === 'number' && Number.isSafeInteger(value)))
      ) {
        errors.push(`entities.${key}: values must be strings or integers`);
      }
    }
    if (rows > this.config.env.FEATURE_MAX_ENTITIES) {
      errors.push(`entities: ${rows} rows exceed FEATURE_MAX_ENTITIES=${this.config.env.FEATURE_MAX_ENTITIES}`);
    }
    // Every path to a read (the fast route, the controller) comes through here, so none can skip this bound.
    const cells = Math.max(rows, 0) * refs.length;
    if (cells > this.config.env.FEATURE_MAX_READ_CELLS) {
      errors.push(
        `entities × features: ${rows} rows × ${refs.length} features = ${cells} values exceed ` +
          `FEATURE_MAX_READ_CELLS=${this.config.env.FEATURE_MAX_READ_CELLS}`,
      );
    }

    const full = request.full_feature_names === true;
    const names = [...joinKeys];
    const reads = new Map<string, ViewRead>();
    const compositeChecked = new Set<string>();
    refs.forEach((ref, i) => {
      const problem = checkReference(registry, ref);
      if (problem) {
        errors.push(`features[${i}]: ${problem}`);
        return;
      }
      const [viewName, feature] = ref.split(':');
      let read = reads.get(viewName);
      if (!read) {
        const view = registry.views.get(viewName) as FeatureView;
        const entityKeys = entityOfView(registry, view).join_keys;
        const absent = entityKeys.filter((key) => !joinKeys.includes(key));
        if (absent.length > 0) errors.push(`entities.${absent[0]}: required by feature view ${viewName}`);
        // A composite row id joins the values with ':', so a value holding one would name another entity's row.
        if (entityKeys.length > 1 && !compositeChecked.has(view.entity)) {
          compositeChecked.add(view.entity);
          for (const key of entityKeys) {
            const values = request.entities[key];
            if (Array.isArray(values) && values.some((value) => typeof value === 'string' && value.includes(':'))) {
              errors.push(
                `entities.${key}: values cannot contain ':' (entity ${view.entity} joins ${entityKeys.join(':')})`,
              );
            }
          }
        }
        read = { view, joinKeys: entityKeys, features: [], types: [], columns: [] };
        reads.set(viewName, read);
      }
      const name = full ? `${viewName}__${feature}` : feature;
      if (names.includes(name)) {
        errors.push(`features[${i}]: column ${name} appears twice${full ? '' : ' (set full_feature_names)'}`);
        return;
      }
      read.features.push(feature);
      read.types.push((fieldsByName(read.view).get(feature) as { type: FeatureType }).type);
      read.columns.push(names.length);
      names.push(name);
    });
    if (refs.length === 0) errors.push('features: at least one feature expected');
    if (errors.length > 0) throw new BadRequestException(errors);

    const keys = this.valkey.keys;
    const plan = [...reads.values()];
    const rowReads: RowRead[] = [];
    plan.forEach((read, r) => {
      const columns = read.joinKeys.map((key) => request.entities[key]);
      for (let row = 0; row < rows; row++) {
        rowReads.push({
          read: r,
          key: keys.featureRow(read.view.name, entityIdOf(columns.map((column) => column[row]))),
        });
      }
    });
    const replies = await this.fetch(plan, rowReads);

    const results: OnlineColumnDto[] = names.map(() => ({ values: [], statuses: [], event_timestamps: [] }));
    joinKeys.forEach((key, c) => {
      results[c].values = request.entities[key];
      results[c].statuses = new Array<string>(rows).fill('PRESENT');
      results[c].event_timestamps = new Array<string>(rows).fill(EPOCH);
    });
    const counts: Record<FeatureStatus, number> = { PRESENT: 0, NOT_FOUND: 0, NULL_VALUE: 0, OUTSIDE_MAX_AGE: 0 };
    const now = Date.now() / 1000;
    let reply = 0;
    for (const read of plan) {
      const ttl = read.view.ttl_seconds;
      for (let row = 0; row < rows; row++) {
        const values = replies[reply++];
        const updated = values[values.length - 1];
        const legacy = values[values.length - 2] !== TEXT_ENCODING;
        const updatedAt = updated === null ? undefined : Number(updated);
        // _updated_at no date (hand-written, or pre range check): the values are real, their time unknown (epoch 0).
        const known = updatedAt !== undefined && updatedAt >= 0 && updatedAt <= MAX_EVENT_TIME;
        const stale = known && ttl > 0 && now - updatedAt > ttl;
        const at = known ? new Date(updatedAt * 1000).toISOString() : EPOCH;
        read.columns.forEach((column, f) => {
          const stored = values[f];
          let status: FeatureStatus;
          let value: unknown = null;
          if (updatedAt === undefined) status = 'NOT_FOUND';
          else if (stale) status = 'OUTSIDE_MAX_AGE';
          else if (stored === null) status = 'NULL_VALUE';
          else {
            value = decodeValue(read.types[f], stored, legacy);
            status = value === null ? 'NULL_VALUE' : 'PRESENT';
          }
          counts[status]++;
          const result = results[column];
          result.values.push(value);
          result.statuses.push(status);
          result.event_timestamps.push(at);
        });
      }
    }
    for (const [status, count] of Object.entries(counts))
      if (count > 0) this.metrics.onlineValues.labels(status).inc(count);
    return { metadata: { feature_names: names }, results };
  }

  /**
   * The HMGET reply of each row, in the order of `cells` (rows grouped by view, as `plan` is). Standalone: one script
   * call whatever the number of entities and views — one round trip, one command for the client to parse. On a
   * cluster the rows spread over slots: one call per slot, pipelined (sent to every node at once).
   */
  private async fetch(plan: ViewRead[], cells: RowRead[]): Promise<(string | null)[][]> {
    const groups = groupBySlot(cells, (cell) => cell.key, this.valkey.clustered);
    const calls = groups.map((group) => {
      const args: (string | number)[] = [];
      // Within a group the cells keep their order, so rows of one view are consecutive: one ARGV section per run.
      for (let at = 0; at < group.length;) {
        const read = group[at].read;
        let end = at;
        while (end < group.length && group[end].read === read) end++;
        const { features } = plan[read];
        args.push(end - at, features.length + 2, ...features, ENCODING_FIELD, UPDATED_AT_FIELD);
        at = end;
      }
      return { keys: group.map((cell) => cell.key), args };
    });
    if (calls.length === 1) return (await ONLINE_READ.run(this.reads, calls[0].keys, calls[0].args)) as Reply;
    const replies = (await execIdempotent(this.reads, [ONLINE_READ], (pipeline) => {
      for (const { keys, args } of calls) ONLINE_READ.queue(pipeline, keys, args);
    })) as Reply[];
    const byCell = new Map<RowRead, (string | null)[]>();
    groups.forEach((group, g) => group.forEach((cell, i) => byCell.set(cell, replies[g][i])));
    return cells.map((cell) => byCell.get(cell) as (string | null)[]);
  }
}

type Reply = (string | null)[][];

/** One row to read: the view's place in the plan, and its key. */
interface RowRead {
  read: number;
  key: string;
}
