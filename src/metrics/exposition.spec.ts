import { describe, expect, it } from '@jest/globals';
import { register } from 'prom-client';
import { exposition, prefersOpenMetrics } from './exposition.js';
import { counter, observeLatency, tracedHistogram } from './metrics.service.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('metrics exposition', () => {
  it('serves OpenMetrics only to a scraper that prefers it', () => {
    expect(prefersOpenMetrics(PROMETHEUS_ACCEPT)).toBe(true);
    expect(prefersOpenMetrics('application/openmetrics-text')).toBe(true);
    expect(prefersOpenMetrics(undefined)).toBe(false);
    expect(prefersOpenMetrics('*/*')).toBe(false);
    expect(prefersOpenMetrics('text/plain;version=0.0.4')).toBe(false);
    expect(prefersOpenMetrics('application/openmetrics-text;q=0.3,text/plain')).toBe(false);
    expect(prefersOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
  });

  it('shows a trace id as an exemplar in OpenMetrics, never in the Prometheus text format nor as a label', async () => {
    const latency = tracedHistogram('skein_spec_latency_seconds', 'spec', ['stage']);
    observeLatency(latency, { stage: 'classify' }, 0.003, TRACE);
    observeLatency(latency, { stage: 'classify' }, 0.3, undefined);

    const open = await exposition(PROMETHEUS_ACCEPT);
    expect(open.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.body).toMatch(
      new RegExp(
        `^skein_spec_latency_seconds_bucket\\{le="0.005",stage="classify"\\} 1 # \\{trace_id="${TRACE}"\\} 0.003 \\d+`,
        'm',
      ),
    );
    // The observation made outside a trace has none.
    expect(open.body).toMatch(/^skein_spec_latency_seconds_bucket\{le="0.5",stage="classify"\} 2$/m);
    expect(open.body.endsWith('\n# EOF\n')).toBe(true);

    const text = await exposition(undefined);
    expect(text.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).toMatch(/^skein_spec_latency_seconds_bucket\{le="0.005",stage="classify"\} 1$/m);
    expect(text.body).not.toContain('trace_id');
  });

  it('names counters the OpenMetrics way there and keeps `_total` in the Prometheus text format after it', async () => {
    counter('skein_spec_things_total', 'spec').inc(3);
    const open = (await exposition(PROMETHEUS_ACCEPT)).body;
    expect(open).toContain('# TYPE skein_spec_things counter\nskein_spec_things_total 3\n');
    const text = (await exposition('text/plain')).body;
    expect(text).toContain('# TYPE skein_spec_things_total counter\nskein_spec_things_total 3\n');
    expect(register.getSingleMetric('skein_spec_things_total')).toBeDefined();
  });
});
