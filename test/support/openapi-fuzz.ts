import fc from 'fast-check';

/**
 * Requests generated from an OpenAPI 3 document: every operation, its path and query parameters and its JSON body
 * built from the schemas, and hostile variants of each (wrong types, null, huge numbers and strings, deep nesting,
 * unicode, missing and extra fields, malformed JSON). A route added to the app is fuzzed without touching this file.
 */

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  maxItems?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzRequest {
  /** `METHOD /template/{param}` of the operation, for the report. */
  operation: string;
  /** What kind of input this is (`valid`, `mutated body`, `deep nesting`, ...). */
  variant: string;
  method: string;
  /** Path and query, encoded as sent. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A JSON text fragment written as is into the body (numbers JSON.stringify cannot write, nesting too deep to build). */
class RawJson {
  constructor(readonly text: string) {}
}

function stringify(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}:${stringify(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Percent-encoded; a lone surrogate (which encodeURIComponent refuses) goes as U+FFFD. */
function encodeSegment(text: string): string {
  return encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\ufffd'));
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** Strings that break naive code: unicode edge cases, path tricks, injection shapes, numbers as text. */
const NASTY_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '%',
  '%00',
  '\u0000',
  '\ud800',
  '😀\u0301',
  'ﷺ'.repeat(50),
  '\u202e\u2066',
  '../../etc/passwd',
  '{}',
  '[]',
  'null',
  '-1',
  '1e309',
  '18446744073709551616',
  '0-0',
  '9999999999999999999999-0',
  '__proto__',
  'constructor',
  '*',
  '$',
  '\r\n',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'a'.repeat(10_000),
  '.'.repeat(20_000) + 'x',
];

/** Values of every JSON type, including ones that break code expecting a particular shape. */
function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0,
      Number.MAX_SAFE_INTEGER + 2,
      1e308,
      -1e308,
      [],
      {},
      [null],
      { '': null },
      new RawJson('1e999'),
      new RawJson('-1e999'),
      new RawJson('123456789012345678901234567890'),
      new RawJson('0.0000000000000000000000000001'),
      new RawJson(`${'['.repeat(3000)}${']'.repeat(3000)}`),
      new RawJson(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`),
      new RawJson(`[${'{"a":['.repeat(1500)}${']}'.repeat(1500)}]`),
      new RawJson('{"__proto__":{"polluted":true}}'),
      new RawJson('{"constructor":{"prototype":{"polluted":true}}}'),
    ),
    fc.constantFrom(...NASTY_STRINGS),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => new RawJson(n.toString())),
    fc.constant(null).map(() => 'x'.repeat(100_000)),
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }),
  );
}

/** Whole bodies that are not the JSON object the route expects. */
function hostileBody(): fc.Arbitrary<{ body: string; contentType: string; variant: string }> {
  const json = (variant: string, body: string): { body: string; contentType: string; variant: string } => ({
    body,
    contentType: 'application/json',
    variant,
  });
  return fc.oneof(
    fc.constantFrom(
      json('deep array nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`),
      json('deep object nesting', `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`),
      json('deep nesting in a field', `{"articles":${'['.repeat(3000)}${']'.repeat(3000)}}`),
      json('deep nesting, unclosed', '['.repeat(100_000)),
      json('JSON null', 'null'),
      json('JSON number', '1e999'),
      json('JSON string', '"text"'),
      json('JSON array', '[]'),
      json('JSON array of objects', '[{}, {}]'),
      json('empty body', ''),
      json('malformed JSON', '{"a":'),
      json('trailing garbage', '{} {}'),
      json('prototype keys', '{"__proto__":{"x":1},"constructor":{"prototype":{"x":1}}}'),
      json('duplicate keys', '{"a":1,"a":{"b":2}}'),
      json('over the body limit', `{"a":"${'x'.repeat(1_100_000)}"}`),
      json('invalid UTF-8 escape', '{"a":"\\ud800"}'),
      { body: 'title=x&body=y', contentType: 'application/x-www-form-urlencoded', variant: 'form body' },
      { body: '{"title":"x","body":"y"}', contentType: 'text/plain', variant: 'JSON as text/plain' },
      { body: '{"title":"x"}', contentType: 'application/json; charset=utf-16', variant: 'unsupported charset' },
    ),
    fc.jsonValue({ maxDepth: 4 }).map((value) => json('random JSON', JSON.stringify(value))),
  );
}

export class OpenApiFuzzer {
  constructor(
    private readonly doc: OpenApiDocument,
    /** Values worth trying for a string (names the app knows, so requests reach past "not found"). */
    private readonly knownStrings: readonly string[] = [],
  ) {}

  /** `METHOD /path` of every operation in the document. */
  get operations(): string[] {
    return this.entries().map(([method, path]) => `${method.toUpperCase()} ${path}`);
  }

  /** One request to any operation of the document. */
  request(): fc.Arbitrary<FuzzRequest> {
    return fc.oneof(
      ...this.entries().map(([method, path, operation]) => this.operationRequest(method, path, operation)),
    );
  }

  private entries(): [string, string, Operation][] {
    const out: [string, string, Operation][] = [];
    for (const [path, item] of Object.entries(this.doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (HTTP_METHODS.has(method)) out.push([method, path, operation]);
      }
    }
    return out;
  }

  private operationRequest(method: string, template: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
    const parameters = operation.parameters ?? [];
    const pathParams = parameters.filter((p) => p.in === 'path');
    const queryParams = parameters.filter((p) => p.in === 'query');
    const headerParams = parameters.filter((p) => p.in === 'header');
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;

    const pathArb = fc
      .tuple(...pathParams.map((p) => this.pathSegment(p)))
      .map((segments) => pathParams.reduce((path, p, i) => path.replace(`{${p.name}}`, segments[i]), template));
    const queryArb = fc.tuple(...queryParams.map((p) => this.queryParam(p))).map((pairs) => pairs.flat().join('&'));
    const headerArb = fc
      .tuple(...headerParams.map(() => fc.option(this.headerValue(), { nil: undefined })))
      .map((values) => {
        const headers: Record<string, string> = {};
        headerParams.forEach((p, i) => {
          if (values[i] !== undefined) headers[p.name] = values[i];
        });
        return headers;
      });
    const bodyArb: fc.Arbitrary<{ body?: string; contentType?: string; variant: string }> = bodySchema
      ? fc.oneof(
          { weight: 3, arbitrary: this.value(bodySchema, 0).map((v) => ({ body: stringify(v), variant: 'valid' })) },
          { weight: 6, arbitrary: this.mutated(bodySchema) },
          { weight: 2, arbitrary: hostileBody() },
        )
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant({ variant: 'no body' }) },
          { weight: 1, arbitrary: hostileBody() },
        );

    return fc.record({ path: pathArb, query: queryArb, headers: headerArb, body: bodyArb }).map((r) => {
      const headers: Record<string, string> = { ...r.headers };
      if (r.body.body !== undefined) headers['content-type'] = r.body.contentType ?? 'application/json';
      return {
        operation: `${method.toUpperCase()} ${template}`,
        variant: r.body.variant,
        method: method.toUpperCase(),
        path: r.query ? `${r.path}?${r.query}` : r.path,
        headers,
        body: r.body.body,
      };
    });
  }

  private resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; current.$ref && hops < 20; hops++) {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = this.doc.components?.schemas?.[name] ?? {};
    }
    return current;
  }

  /** A value of the schema's shape (what a well-behaved client sends), with examples and known names mixed in. */
  private value(raw: Schema, depth: number): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    if (schema.enum?.length) return fc.constantFrom(...schema.enum);
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives?.length) return fc.oneof(...alternatives.map((s) => this.value(s, depth + 1)));
    if (schema.allOf?.length) return this.value(schema.allOf[0], depth + 1);
    const example = schema.example !== undefined ? [fc.constant(schema.example)] : [];
    switch (schema.type) {
      case 'string':
        if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
        return fc.oneof(...example, this.string());
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? -1_000_000;
        const max = schema.maximum ?? 1_000_000;
        return fc.oneof(...example, fc.integer({ min: Math.ceil(min), max: Math.floor(max) }));
      }
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const items = schema.items ?? {};
        return fc.oneof(
          ...example,
          fc.array(this.value(items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 4, depth > 2 ? 1 : 4) }),
        );
      }
      case 'object':
      case undefined: {
        if (!schema.properties && !schema.additionalProperties) {
          return schema.type === 'object'
            ? fc.oneof(...example, fc.dictionary(this.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }))
            : fc.oneof(...example, fc.jsonValue({ maxDepth: 2 }));
        }
        const properties = Object.entries(schema.properties ?? {});
        const required = new Set(schema.required ?? []);
        const record = fc.record(Object.fromEntries(properties.map(([name, s]) => [name, this.value(s, depth + 1)])), {
          requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)),
        });
        const extra = schema.additionalProperties;
        if (!extra) return fc.oneof(...example, record);
        const valueSchema = typeof extra === 'object' ? extra : {};
        return fc.oneof(
          ...example,
          fc
            .tuple(record, fc.dictionary(this.string(), this.value(valueSchema, depth + 1), { maxKeys: 4 }))
            .map(([fixed, more]) => ({ ...more, ...fixed })),
        );
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private string(): fc.Arbitrary<string> {
    const known = this.knownStrings.length > 0 ? [fc.constantFrom(...this.knownStrings)] : [];
    return fc.oneof(
      ...known,
      fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    );
  }

  /** A valid-shaped body with one part replaced by a hostile value, a required field dropped or a field added. */
  private mutated(schema: Schema): fc.Arbitrary<{ body: string; variant: string }> {
    return fc
      .tuple(this.value(schema, 0), fc.nat(), hostileValue(), fc.constantFrom('replace', 'drop', 'add'), this.string())
      .map(([generated, pick, replacement, how, extraKey]) => {
        // A copy: examples are shared between samples.
        const value = structuredClone(generated);
        const slots = slotsOf(value);
        const [holder, key] = slots[pick % slots.length];
        if (how === 'replace' || holder === undefined) {
          if (holder === undefined) return { body: stringify(replacement), variant: 'hostile body value' };
          (holder as Record<string | number, unknown>)[key] = replacement;
          return { body: stringify(value), variant: 'hostile field value' };
        }
        if (how === 'drop' && !Array.isArray(holder)) {
          delete (holder as Record<string, unknown>)[key];
          return { body: stringify(value), variant: 'missing field' };
        }
        if (!Array.isArray(holder)) (holder as Record<string, unknown>)[extraKey] = replacement;
        else holder.push(replacement);
        return { body: stringify(value), variant: 'extra field' };
      });
  }

  private pathSegment(parameter: Parameter): fc.Arbitrary<string> {
    const example = parameter.example ?? parameter.schema?.example;
    return fc.oneof(
      { weight: 4, arbitrary: this.string().map(encodeSegment) },
      ...(example !== undefined
        ? [
            {
              weight: 2,
              arbitrary: fc.constant(encodeSegment(typeof example === 'string' ? example : JSON.stringify(example))),
            },
          ]
        : []),
      { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS).map(encodeSegment) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('%', '%E0%A4%A', '%FF', '%C0%AF', '%2e%2e', '%00', '..%2F..', 'a%2Fb', '%25'),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(encodeSegment) },
    );
  }

  private queryParam(parameter: Parameter): fc.Arbitrary<string[]> {
    const name = encodeURIComponent(parameter.name);
    // A schema that says nothing generates any value, objects without a prototype among them: JSON, not String().
    const valid = this.value(parameter.schema ?? {}, 0).map((v) =>
      typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v),
    );
    const value = fc.oneof(
      { weight: 3, arbitrary: valid },
      { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
      { weight: 1, arbitrary: fc.constantFrom('-5', '0', '1.5', 'NaN', 'Infinity', '1e400', '99999999999999999999') },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    );
    return fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>([]) },
      { weight: 5, arbitrary: value.map((v) => [`${name}=${encodeSegment(v)}`]) },
      // The same parameter twice (Express then hands the route an array) or with brackets (a nested object).
      {
        weight: 1,
        arbitrary: fc
          .tuple(value, value)
          .map(([a, b]) => [`${name}=${encodeSegment(a)}`, `${name}=${encodeSegment(b)}`]),
      },
      { weight: 1, arbitrary: value.map((v) => [`${name}[a]=${encodeSegment(v)}`]) },
      { weight: 1, arbitrary: fc.constant<string[]>([name]) },
    );
  }

  private headerValue(): fc.Arbitrary<string> {
    // Header values are Latin-1 without control characters; anything else a client cannot send.
    return fc.oneof(
      fc.constantFrom('', '-1', '0', '1.5', '99999999999999999999', 'abc', '1e3', ' 7 ', 'x'.repeat(4000)),
      fc.stringMatching(/^[\x20-\x7e]{0,30}$/),
    );
  }
}

/** Every place in a JSON value a hostile value can go: `[holder, key]`, or `[undefined, '']` for the whole value. */
function slotsOf(value: unknown): [object | undefined, string | number][] {
  const slots: [object | undefined, string | number][] = [[undefined, '']];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        slots.push([node, i]);
        visit(item);
      });
    } else if (node !== null && typeof node === 'object' && !(node instanceof RawJson)) {
      for (const [key, item] of Object.entries(node)) {
        slots.push([node, key]);
        visit(item);
      }
    }
  };
  visit(value);
  return slots;
}
