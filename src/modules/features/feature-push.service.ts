import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { AppConfig } from '../../config/config.js';
import type { HeaderedException } from '../../http/headered-exception.filter.js';
import { StreamStatsService, unprocessed } from '../../streams/stream-stats.service.js';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';
import {
  checkEntityId,
  checkFeatures,
  nonIntegerLiteralPaths,
  parseEventTime,
  validEntityId,
  type FeatureView,
} from './feature-schema.js';
import { FeatureRegistry } from './feature-registry.service.js';
import type { PushDto } from './features.dto.js';
import { FeatureMetrics } from './features.metrics.js';

/** The engine's acknowledged-safe trim: removes only entries every group has acknowledged. */
const TRIM = LuaScript.from(new URL('../../streams/trim.lua', import.meta.url));

export class FeatureBacklogFullError extends ServiceUnavailableException implements HeaderedException {
  readonly headers = { 'Retry-After': '5' };
  constructor(view: string, backlog: number, cap: number) {
    super(
      `fs:stream:${view} holds ${backlog} entries not yet materialized (limit FEATURE_STREAM_MAXLEN=${cap}); retry later`,
    );
  }
}

/**
 * Validates rows against their view and appends them to `fs:stream:{view}` in one pipeline. The stream is never
 * cut with a blind MAXLEN: a push is refused while the unmaterialized backlog is at FEATURE_STREAM_MAXLEN, and the
 * stream is trimmed only up to what the materializer has acknowledged.
 */
@Injectable()
export class FeaturePushService {
  constructor(
    private readonly valkey: ValkeyService,
    private readonly registry: FeatureRegistry,
    private readonly stats: StreamStatsService,
    private readonly config: AppConfig,
    private readonly metrics: FeatureMetrics,
  ) {}

  /** `rawBody` is the request's JSON text: the only place where an INT written as `3.0` can still be told from `3`. */
  async push(request: PushDto, rawBody?: Buffer): Promise<string[]> {
    const view = await this.registry.view(request.feature_view);
    const entity = await this.registry.entityOf(view);
    const floatLiterals = rawBody ? floatLiteralsByRow(view, rawBody) : undefined;
    const errors: string[] = [];
    const entries = request.rows.map((row, i) => {
      const entityId =
        typeof row.entity_id === 'number' && Number.isSafeInteger(row.entity_id)
          ? String(row.entity_id)
          : row.entity_id;
      if (!validEntityId(entityId))
        errors.push(`rows[${i}].entity_id: a non-empty string (or integer) of at most 512 characters expected`);
      else {
        const problem = checkEntityId(entity, entityId);
        if (problem) errors.push(`rows[${i}].entity_id: ${problem}`);
      }
      errors.push(...checkFeatures(view, row.features, `rows[${i}].features`, floatLiterals?.get(i)));
      const fields = ['entity_id', String(entityId), 'features', JSON.stringify(row.features)];
      // Without event_timestamp there is no `timestamp` field: the row's time is its entry's, from Valkey's clock,
      // the same for every replica (this one's clock may be off).
      if (row.event_timestamp !== undefined && row.event_timestamp !== null) {
        const timestamp = parseEventTime(row.event_timestamp);
        if (typeof timestamp === 'string') errors.push(`rows[${i}].event_timestamp: ${timestamp}`);
        else fields.push('timestamp', String(timestamp));
      }
      fields.push('feature_view', view.name);
      return fields;
    });
    if (errors.length > 0) throw new BadRequestException(errors);

    const stream = this.valkey.keys.featureStream(view.name);
    const cap = this.config.env.FEATURE_STREAM_MAXLEN;
    const [info] = await this.stats.stats([stream]);
    const backlog = unprocessed(info);
    if (backlog + entries.length > cap) {
      this.metrics.pushRefused.inc();
      throw new FeatureBacklogFullError(view.name, backlog, cap);
    }

    const pipeline = this.valkey.command.pipeline();
    for (const fields of entries) pipeline.xadd(stream, '*', ...fields);
    const trimming = info.length + entries.length > cap;
    if (trimming) {
      await TRIM.ensureLoaded(this.valkey.command);
      TRIM.queue(pipeline, [stream], []);
    }
    const replies = (await pipeline.exec()) ?? [];
    const ids = replies.slice(0, entries.length).map(([error, id]) => {
      if (error) throw error;
      return String(id);
    });
    this.metrics.rowsPushed.inc(ids.length);
    return ids;
  }
}

/** Per row index, the features written as a fraction or exponent literal in the request's JSON text. */
function floatLiteralsByRow(view: FeatureView, rawBody: Buffer): Map<number, Set<string>> | undefined {
  if (!view.features.some((field) => field.type === 'INT')) return undefined;
  const byRow = new Map<number, Set<string>>();
  for (const path of nonIntegerLiteralPaths(rawBody.toString('utf8'))) {
    const [rows, index, features, name] = path;
    if (path.length !== 4 || rows !== 'rows' || typeof index !== 'number' || features !== 'features') continue;
    let names = byRow.get(index);
    if (!names) byRow.set(index, (names = new Set()));
    names.add(String(name));
  }
  return byRow;
}
