import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Metrics } from '../metrics/metrics.service.js';

export interface Provider<I, O> {
  readonly name: string;
  run(items: I[]): Promise<O[]>;
}

/** Times and counts every call of a provider used on its own (the local models when no remote one is set). */
export class MeasuredProvider<I, O> implements Provider<I, O> {
  constructor(
    private readonly metrics: Metrics,
    private readonly kind: 'classifier' | 'summarizer',
    private readonly inner: Provider<I, O>,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  async run(items: I[]): Promise<O[]> {
    const stop = this.metrics.providerDuration.labels(this.kind, this.inner.name).startTimer();
    try {
      const out = await this.inner.run(items);
      this.metrics.providerCalls.labels(this.kind, this.inner.name, 'ok').inc();
      return out;
    } catch (error) {
      this.metrics.providerCalls.labels(this.kind, this.inner.name, 'error').inc();
      throw error;
    } finally {
      stop();
    }
  }
}

/**
 * Calls a remote provider with retries and exponential backoff, then falls back to the local one, so an article is
 * never lost or stuck because a model endpoint is down.
 */
export class WithFallback<I, O> implements Provider<I, O> {
  private readonly logger: Logger;

  constructor(
    private readonly metrics: Metrics,
    private readonly kind: 'classifier' | 'summarizer',
    private readonly primary: Provider<I, O>,
    private readonly fallback: Provider<I, O>,
    private readonly retries: number,
    private readonly backoffMs = 200,
  ) {
    this.logger = new Logger(`${kind}:${primary.name}`);
  }

  get name(): string {
    return this.primary.name;
  }

  async run(items: I[]): Promise<O[]> {
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      const stop = this.metrics.providerDuration.labels(this.kind, this.primary.name).startTimer();
      try {
        const out = await this.primary.run(items);
        this.metrics.providerCalls.labels(this.kind, this.primary.name, 'ok').inc();
        return out;
      } catch (error) {
        this.metrics.providerCalls.labels(this.kind, this.primary.name, 'error').inc();
        this.logger.warn(`attempt ${attempt + 1}/${this.retries + 1} failed: ${(error as Error).message}`);
        if (attempt < this.retries) await sleep(this.backoffMs * 2 ** attempt);
      } finally {
        stop();
      }
    }
    this.metrics.providerFallbacks.labels(this.kind).inc();
    this.metrics.providerCalls.labels(this.kind, this.fallback.name, 'fallback').inc();
    return this.fallback.run(items);
  }
}

/** Runs `task` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<I, O>(items: I[], limit: number, task: (item: I) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]);
    }
  });
  await Promise.all(lanes);
  return out;
}
