/**
 * Feature types, validation and the stored value encoding, shared by push, the materializer and online reads.
 * Stored encoding (`_enc` = `text`): each feature's hash field holds plain text, as a tutorial's reader doing HGETALL
 * expects: INT and FLOAT in decimal (`42`, `0.5`), STRING as the text itself (`gold`), BOOL `true`/`false`, VECTOR a
 * JSON array (`[0.1,0.2]`); a null value is no field. Reads parse the text back by the view's type. Rows without
 * `_enc` were written in the earlier encoding (every value JSON, so a STRING in quotes) or by hand; they read too.
 */
export const NAME_PATTERN = /^[A-Za-z0-9_]+$/;
export const FEATURE_TYPES = ['INT', 'FLOAT', 'STRING', 'BOOL', 'VECTOR'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];
export type FeatureValue = number | string | boolean | number[] | null;

export const UPDATED_AT_FIELD = '_updated_at';
export const VIEW_FIELD = '_feature_view';
/** Present (`text`) on every row written in the plain-text encoding; absent on rows of the earlier JSON encoding. */
export const ENCODING_FIELD = '_enc';
export const TEXT_ENCODING = 'text';
export const MAX_ENTITY_ID_LENGTH = 512;

export interface FeatureField {
  name: string;
  type: FeatureType;
  length?: number;
}

export interface FeatureEntity {
  name: string;
  join_keys: string[];
  description?: string;
}

export interface FeatureView {
  name: string;
  entity: string;
  features: FeatureField[];
  ttl_seconds: number;
  description?: string;
  tags?: Record<string, string>;
  created_at: string;
  updated_at: string;
}

export interface FeatureService {
  name: string;
  features: string[];
  description?: string;
}

/** Why a value does not fit its feature, or undefined when it does. `floatLiteral` marks a JSON literal like 3.0. */
export function checkValue(field: FeatureField, value: unknown, floatLiteral = false): string | undefined {
  if (value === null) return undefined;
  switch (field.type) {
    case 'INT':
      return typeof value === 'number' && Number.isSafeInteger(value) && !floatLiteral ? undefined : 'INT expected';
    case 'FLOAT':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'FLOAT expected';
    case 'STRING':
      return typeof value === 'string' ? undefined : 'STRING expected';
    case 'BOOL':
      return typeof value === 'boolean' ? undefined : 'BOOL expected';
    case 'VECTOR':
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        return `VECTOR of ${field.length} numbers expected`;
      }
      return value.length === field.length
        ? undefined
        : `VECTOR of length ${field.length} expected, got ${value.length}`;
  }
}

/**
 * Checks a features object against a view; answers one message per problem, each prefixed with `path`
 * (`rows[2].features.age: INT expected`). `floatKeys` names features given as float literals (3.0) in raw JSON.
 */
export function checkFeatures(
  view: FeatureView,
  features: unknown,
  path: string,
  floatKeys?: ReadonlySet<string>,
): string[] {
  if (typeof features !== 'object' || features === null || Array.isArray(features)) {
    return [`${path}: an object of feature values expected`];
  }
  const entries = Object.entries(features as Record<string, unknown>);
  if (entries.length === 0) return [`${path}: at least one feature expected`];
  const errors: string[] = [];
  const byName = fieldsByName(view);
  for (const [name, value] of entries) {
    const field = byName.get(name);
    if (!field) {
      errors.push(`${path}.${name}: unknown feature of view ${view.name}`);
      continue;
    }
    const problem = checkValue(field, value, floatKeys?.has(name) ?? false);
    if (problem) errors.push(`${path}.${name}: ${problem}`);
  }
  return errors;
}

const fieldIndex = new WeakMap<FeatureView, Map<string, FeatureField>>();
export function fieldsByName(view: FeatureView): Map<string, FeatureField> {
  let index = fieldIndex.get(view);
  if (!index) {
    index = new Map(view.features.map((field) => [field.name, field]));
    fieldIndex.set(view, index);
  }
  return index;
}

/** The last event time a response can write as ISO 8601 with a four-digit year: 9999-12-31T23:59:59Z. */
export const MAX_EVENT_TIME = 253402300799;

/**
 * Epoch seconds from a number (epoch seconds) or an ISO 8601 string, within 0 ..= MAX_EVENT_TIME; otherwise why not
 * (a string, for the caller to prefix with the field: `rows[2].event_timestamp: ...`).
 */
export function parseEventTime(value: unknown): number | string {
  const text = typeof value === 'string' ? value.trim() : String(value);
  let seconds: number;
  let numeric = true;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(text)) seconds = Number(text);
  else if (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/.test(text) &&
    Number.isFinite(Date.parse(text))
  ) {
    seconds = Date.parse(text) / 1000;
    numeric = false;
  } else {
    return 'epoch seconds or an ISO 8601 string expected';
  }
  if (seconds >= 0 && seconds <= MAX_EVENT_TIME) return seconds;
  if (numeric && seconds > MAX_EVENT_TIME && seconds / 1000 <= MAX_EVENT_TIME) {
    return `${text} looks like milliseconds (${new Date(seconds).toISOString()}); epoch seconds expected`;
  }
  return `${text} is out of range: a time from 1970-01-01T00:00:00Z (0) to 9999-12-31T23:59:59Z (${MAX_EVENT_TIME}) expected`;
}

const TOKEN = /"(?:[^"\\]|\\.)*"(\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))?/g;

/**
 * Keys of a flat JSON object whose value is written as a non-integer literal (`3.0`, `1e3`): JSON.parse makes
 * them plain integers, but an INT feature must not accept them.
 */
export function floatLiteralKeys(json: string): Set<string> {
  const keys = new Set<string>();
  if (!/[.eE]/.test(json)) return keys;
  for (const match of json.matchAll(TOKEN)) {
    const literal = match[2];
    if (literal !== undefined && /[.eE]/.test(literal)) {
      keys.add(JSON.parse(match[0].slice(0, match[0].length - match[1].length)) as string);
    }
  }
  return keys;
}

/**
 * Paths (`['rows', 2, 'features', 'age']`) of every number in a JSON text written with a fraction or an exponent
 * (`3.0`, `1e3`): JSON.parse turns those into integers, but an INT feature must not accept them. One pass over the
 * text, for valid JSON only (parse it first).
 */
export function nonIntegerLiteralPaths(json: string): (string | number)[][] {
  const found: (string | number)[][] = [];
  if (!/\d[.eE]/.test(json)) return found;
  const path: (string | number)[] = [];
  const inArray: boolean[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length;) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (json.charCodeAt(j) !== 0x22) j += json.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        path[path.length - 1] = JSON.parse(json.slice(i, j + 1)) as string;
        expectKey = false;
      }
      i = j + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      inArray.push(c === 0x5b);
      path.push(c === 0x5b ? 0 : '');
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      inArray.pop();
      path.pop();
      i++;
    } else if (c === 0x2c /* , */) {
      if (inArray[inArray.length - 1]) (path[path.length - 1] as number)++;
      else expectKey = true;
      i++;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let integer = true;
      for (; j < json.length; j++) {
        const d = json.charCodeAt(j);
        if (d === 0x2e || d === 0x65 || d === 0x45) integer = false;
        else if (!(d >= 0x30 && d <= 0x39) && d !== 0x2b && d !== 0x2d) break;
      }
      if (!integer) found.push([...path]);
      i = j;
    } else {
      i++;
    }
  }
  return found;
}

/** The stored text of a non-null feature value (see the module comment); a null value is stored as no field. */
export function encodeValue(value: number | string | boolean | number[]): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A stored feature's value by its type, or null when the text is not one of that type (a hand-written row).
 * `legacy`: the row has no `_enc`, so a STRING in JSON quotes (`"gold"`) and `null` are the earlier encoding's; other
 * types were spelled alike in both. BOOL also takes `True`/`False` and `1`/`0` (what other writers print).
 */
export function decodeValue(type: FeatureType, raw: string, legacy: boolean): FeatureValue {
  switch (type) {
    case 'STRING':
      if (legacy) {
        if (raw === 'null') return null;
        if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
          try {
            return JSON.parse(raw) as string;
          } catch {
            // not JSON after all: the text as it is
          }
        }
      }
      return raw;
    case 'INT': {
      if (!DECIMAL.test(raw)) return null;
      const value = Number(raw);
      return Number.isSafeInteger(value) ? value : null;
    }
    case 'FLOAT': {
      if (!DECIMAL.test(raw)) return null;
      const value = Number(raw);
      return Number.isFinite(value) ? value : null;
    }
    case 'BOOL':
      if (raw === 'true' || raw === 'True' || raw === '1') return true;
      if (raw === 'false' || raw === 'False' || raw === '0') return false;
      return null;
    case 'VECTOR':
      try {
        const value = JSON.parse(raw) as unknown;
        return Array.isArray(value) && value.every((x) => typeof x === 'number') ? value : null;
      } catch {
        return null;
      }
  }
}

/** Entity id of one row from its join key values, in the entity's join-key order (`a:b` for composite keys). */
export function entityIdOf(values: unknown[]): string {
  return values.map((value) => String(value)).join(':');
}

export function validEntityId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ENTITY_ID_LENGTH;
}

/**
 * Why `id` cannot name a row of `entity`, or undefined when it can. A composite id is one value per join key joined by
 * ':', so it must split back into exactly one non-empty value per key (else `a:b` + `c` and `a` + `b:c` share a row).
 */
export function checkEntityId(entity: FeatureEntity, id: string): string | undefined {
  const keys = entity.join_keys;
  if (keys.length < 2) return undefined;
  const parts = id.split(':');
  if (parts.length === keys.length && parts.every((part) => part.length > 0)) return undefined;
  return `one non-empty value per join key of entity ${entity.name}, joined by ':' (${keys.join(':')}), expected`;
}
