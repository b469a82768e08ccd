import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

/** The stream entry field that carries an article's trace from stage to stage: a W3C traceparent. */
export const TRACEPARENT_FIELD = 'traceparent';

const tracer = trace.getTracer('skein');

/**
 * One article's span in one stage (`skein.ingest`, `skein.classify`, ...). Its `traceparent` goes on the entry the
 * stage writes for the article, so the next stage's span, in this process or another, is its child.
 */
export class ArticleSpan {
  private constructor(private readonly span: Span) {}

  /** A child of the active context: `skein.ingest` under the HTTP request's span (which took its `traceparent`). */
  static inActive(name: string, articleId: string): ArticleSpan {
    return ArticleSpan.under(context.active(), name, articleId);
  }

  /** A child of the span an entry's `traceparent` names; without one, or with a malformed one, a new trace. */
  static fromTraceparent(name: string, traceparent: string | undefined, articleId?: string): ArticleSpan {
    const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { [TRACEPARENT_FIELD]: traceparent }) : ROOT_CONTEXT;
    return ArticleSpan.under(parent, name, articleId);
  }

  private static under(parent: Context, name: string, articleId: string | undefined): ArticleSpan {
    const span = tracer.startSpan(name, articleId ? { attributes: { 'skein.article.id': articleId } } : {}, parent);
    return new ArticleSpan(span);
  }

  /** This span as a W3C traceparent (`00-{trace id}-{span id}-{flags}`). */
  get traceparent(): string {
    const { traceId, spanId, traceFlags } = this.span.spanContext();
    return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
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
