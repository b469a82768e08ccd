import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';

/** The stream entry field that carries an article's trace from stage to stage: a W3C traceparent. */
export const TRACEPARENT_FIELD = 'traceparent';

const tracer = trace.getTracer('skein');

/**
 * One item's span in one stage (`skein.ingest`, `skein.classify`, ... per article; `skein.llm.generate` per
 * generation). Its `traceparent` goes on the entry the stage writes for the item, so the next stage's span, in this
 * process or another, is its child.
 */
export class StageSpan {
  private constructor(private readonly span: Span) {}

  /** A child of the active context: `skein.ingest` under the HTTP request's span (which took its `traceparent`). */
  static inActive(name: string, articleId: string): StageSpan {
    return StageSpan.under(context.active(), name, articleId);
  }

  /** A child of the span an entry's `traceparent` names; without one, or with a malformed one, a new trace. */
  static fromTraceparent(name: string, traceparent: string | undefined): StageSpan {
    const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { [TRACEPARENT_FIELD]: traceparent }) : ROOT_CONTEXT;
    return StageSpan.under(parent, name);
  }

  private static under(parent: Context, name: string, articleId?: string): StageSpan {
    const span = tracer.startSpan(name, articleId ? { attributes: { 'skein.article.id': articleId } } : {}, parent);
    return new StageSpan(span);
  }

  /** This span as a W3C traceparent (`00-{trace id}-{span id}-{flags}`). */
  get traceparent(): string {
    const { traceId, spanId, traceFlags } = this.span.spanContext();
    return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  /** Its trace id when the span is sampled (exported): the id an exemplar may point to; else undefined. */
  get sampledTraceId(): string | undefined {
    return sampledTraceId(this.span.spanContext());
  }

  set(name: string, value: string | number | boolean): this {
    this.span.setAttribute(name, value);
    return this;
  }

  fail(reason: string): this {
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    return this;
  }

  end(): void {
    this.span.end();
  }
}

/** The traceparent of the active span (an HTTP request's, with tracing on), to carry on an entry; else undefined. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier[TRACEPARENT_FIELD];
}

/** The trace id of the active span when it is sampled (an HTTP request's, with tracing on); else undefined. */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span ? sampledTraceId(span.spanContext()) : undefined;
}

/** The trace id of the first sampled span among `spans` (a batch's): the exemplar of a measure they share. */
export function firstSampledTrace(spans: Iterable<StageSpan>): string | undefined {
  for (const span of spans) {
    const traceId = span.sampledTraceId;
    if (traceId !== undefined) return traceId;
  }
  return undefined;
}

function sampledTraceId(span: SpanContext): string | undefined {
  // An unsampled span is never exported: an exemplar pointing to it would lead nowhere.
  return (span.traceFlags & TraceFlags.SAMPLED) !== 0 ? span.traceId : undefined;
}
