import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import { FeedsMetrics } from '../modules/feeds/feeds.metrics.js';
import { FeatureMetrics } from '../modules/features/features.metrics.js';
import { LlmStreamMetrics } from '../modules/llm-stream/llm-stream.metrics.js';
import { FanoutMetrics } from '../news/fanout.metrics.js';
import { Metrics } from './metrics.service.js';

const CATALOGUES = [Metrics, FeedsMetrics, FeatureMetrics, LlmStreamMetrics, FanoutMetrics];

describe('metric catalogues', () => {
  it('are built twice in one process (two apps in one Jest process) without "already registered", sharing each family', () => {
    for (const Catalogue of CATALOGUES) {
      const first = new Catalogue() as unknown as Record<string, unknown>;
      const second = new Catalogue() as unknown as Record<string, unknown>;
      for (const field of Object.keys(first)) expect(second[field]).toBe(first[field]);
    }
    const names = register.getMetricsAsArray().map((metric) => metric.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('register every family of the catalogue once, under the skein_ prefix', () => {
    const names = CATALOGUES.flatMap((Catalogue) =>
      Object.values(new Catalogue() as unknown as Record<string, { name: string }>).map((metric) => metric.name),
    );
    expect(names.filter((name) => !name.startsWith('skein_'))).toEqual([]);
    expect(names).toContain('skein_socket_connections');
    expect(names).toContain('skein_feed_live_items_total');
    expect(names.length).toBe(new Set(names).size);
  });
});
