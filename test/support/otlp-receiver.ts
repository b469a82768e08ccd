import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as an OTLP receiver got it, whichever encoding carried it; ids in lowercase hex. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** The resource's `service.name`. */
  service: string;
  /** The span's string attributes. */
  attributes: Record<string, string>;
}

/**
 * An OTLP/HTTP trace receiver on a free loopback port: takes POST /v1/traces as `http/json` or `http/protobuf`,
 * decodes the ExportTraceServiceRequest and keeps its spans.
 */
export class OtlpReceiver {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
    readonly spans: readonly ReceivedSpan[],
    /** Content types of the requests received, in order. */
    readonly contentTypes: readonly string[],
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const spans: ReceivedSpan[] = [];
    const contentTypes: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const type = req.headers['content-type'] ?? '';
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        contentTypes.push(type);
        const body = Buffer.concat(chunks);
        if (type.startsWith('application/json')) {
          spans.push(...fromJson(JSON.parse(body.toString('utf8')) as JsonRequest));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else {
          spans.push(...fromProtobuf(body));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        }
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new OtlpReceiver(server, endpoint, spans, contentTypes);
  }

  inTrace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

interface JsonValue {
  stringValue?: string;
}
interface JsonRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: JsonValue }[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes?: { key: string; value: JsonValue }[];
      }[];
    }[];
  }[];
}

function stringAttributes(list: { key: string; value: JsonValue }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list ?? []) if (value.stringValue !== undefined) out[key] = value.stringValue;
  return out;
}

function fromJson(request: JsonRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = stringAttributes(resourceSpans.resource?.attributes)['service.name'] ?? '';
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId.toLowerCase(),
        spanId: span.spanId.toLowerCase(),
        parentSpanId: (span.parentSpanId ?? '').toLowerCase(),
        name: span.name,
        service,
        attributes: stringAttributes(span.attributes),
      })),
    );
  });
}

/** A protobuf message's fields by number: length-delimited ones as bytes, varints as numbers. */
function fields(buffer: Buffer): Map<number, (Buffer | number)[]> {
  const out = new Map<number, (Buffer | number)[]>();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key & 7];
    let value: Buffer | number;
    if (wire === 0) value = varint();
    else if (wire === 1) value = buffer.subarray(at, (at += 8));
    else if (wire === 5) value = buffer.subarray(at, (at += 4));
    else if (wire === 2) {
      const length = varint();
      value = buffer.subarray(at, (at += length));
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const bytes = (message: Map<number, (Buffer | number)[]>, field: number): Buffer[] =>
  (message.get(field) ?? []).filter((value): value is Buffer => Buffer.isBuffer(value));

/** KeyValue { 1 key, 2 AnyValue { 1 string_value } } list: the string ones. */
function protobufAttributes(list: Buffer[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of list) {
    const keyValue = fields(raw);
    const value = bytes(keyValue, 2)[0];
    const text = value ? bytes(fields(value), 1)[0] : undefined;
    if (text) out[bytes(keyValue, 1)[0].toString('utf8')] = text.toString('utf8');
  }
  return out;
}

/** ExportTraceServiceRequest { 1 ResourceSpans { 1 Resource { 1 attributes }, 2 ScopeSpans { 2 Span } } }. */
function fromProtobuf(body: Buffer): ReceivedSpan[] {
  return bytes(fields(body), 1).flatMap((rawResourceSpans) => {
    const resourceSpans = fields(rawResourceSpans);
    const resource = bytes(resourceSpans, 1)[0];
    const service = (resource ? protobufAttributes(bytes(fields(resource), 1)) : {})['service.name'] ?? '';
    return bytes(resourceSpans, 2).flatMap((rawScope) =>
      bytes(fields(rawScope), 2).map((rawSpan) => {
        // Span { 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 9 attributes }
        const span = fields(rawSpan);
        return {
          traceId: bytes(span, 1)[0].toString('hex'),
          spanId: bytes(span, 2)[0].toString('hex'),
          parentSpanId: (bytes(span, 4)[0] ?? Buffer.alloc(0)).toString('hex'),
          name: bytes(span, 5)[0].toString('utf8'),
          service,
          attributes: protobufAttributes(bytes(span, 9)),
        };
      }),
    );
  });
}
