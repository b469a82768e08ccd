import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register, type LabelValues } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/*
 * A family is registered on prom-client's registry once per process and handed back to every later catalogue
 * instance, so an app created twice in one process (tests) shares its families instead of throwing "already registered".
 */
export function counter(name: string, help: string, labelNames: string[] = []): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}
export function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  return (register.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames });
}
export function histogram(name: string, help: string, labelNames: string[] = [], buckets = LATENCY_BUCKETS): Histogram {
  return (
    (register.getSingleMetric(name) as Histogram | undefined) ?? new Histogram({ name, help, labelNames, buckets })
  );
}

/**
 * A latency histogram whose observations can carry the trace they were made in as an exemplar `{trace_id}`, shown in
 * the OpenMetrics exposition only (src/metrics/exposition.ts). Record into it with `observeLatency`: on a histogram
 * with exemplars prom-client takes only the object form of `observe`, so `observe(labels, value)` and
 * `labels(...).startTimer()` throw.
 */
export function tracedHistogram(
  name: string,
  help: string,
  labelNames: string[],
  buckets = LATENCY_BUCKETS,
): Histogram {
  const existing = register.getSingleMetric(name) as Histogram | undefined;
  if (existing) return existing;
  // prom-client refuses exemplars on a metric of a Prometheus-format registry when it is built, never later: built
  // with no registry, then registered on the global one, whose default exposition stays the Prometheus text format.
  const created = new Histogram({ name, help, labelNames, buckets, enableExemplars: true, registers: [] });
  register.registerMetric(created);
  return created;
}

/**
 * One observation of a `tracedHistogram`, with the sampled trace it belongs to as its exemplar when there is one. The
 * trace id is an exemplar, never a label: a label per trace would grow the series without bound.
 */
export function observeLatency(
  histogram: Histogram,
  labels: LabelValues<string>,
  seconds: number,
  traceId: string | undefined,
): void {
  histogram.observe(
    traceId === undefined
      ? { labels, value: seconds }
      : { labels, value: seconds, exemplarLabels: { trace_id: traceId } },
  );
}

/**
 * The shared metric catalogue (prefix `skein_`): the engine's, Valkey's and the families several modules record into;
 * a module's own families are its own injectable catalogue (FeedsMetrics, FeatureMetrics, ...). Labels hold only bounded values — stage, stream family, group,
 * topic, outcome — never a user, article, entity or stream id.
 */
@Injectable()
export class Metrics {
  readonly connectionsRefused = counter(
    'skein_connections_refused_total',
    'Socket.IO sockets and SSE streams refused because their address held MAX_CONNECTIONS_PER_ADDRESS',
    ['transport'],
  );
  // Stream engine
  readonly stageProcessed = counter('skein_stage_processed_total', 'Entries a stage handled and acknowledged', [
    'stage',
  ]);
  readonly stageFailed = counter('skein_stage_failed_total', 'Entry deliveries whose handling failed', ['stage']);
  /** Exemplar: the trace of one article of the batch (observeLatency). */
  readonly stageDuration = tracedHistogram('skein_stage_batch_duration_seconds', 'Stage handler time per batch', [
    'stage',
  ]);
  readonly stageBatchSize = histogram(
    'skein_stage_batch_size',
    'Entries per batch handed to a stage',
    ['stage'],
    [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  );
  readonly deadLetters = counter('skein_dead_letters_total', 'Entries moved to dlq:{stage}', ['stage', 'reason']);
  readonly deadLettersRefused = counter(
    'skein_dead_letters_refused_total',
    'Entries not dead-lettered because dlq:{stage} holds DEAD_LETTER_MAXLEN entries (left pending in their stream)',
    ['stage'],
  );
  readonly deadLettersReplayed = counter(
    'skein_dead_letters_replayed_total',
    'Dead letters moved back to the stream they came from (POST /dead-letters/{stage}/replay)',
    ['stage'],
  );
  readonly reclaimed = counter('skein_stage_reclaimed_total', 'Entries reclaimed from idle consumers (XAUTOCLAIM)', [
    'stage',
  ]);
  readonly refusedAcks = counter(
    'skein_stage_refused_acks_total',
    'Acknowledgements refused because the Valkey server restarted or changed since the entries were read (handled again)',
    ['stage'],
  );
  readonly trimmed = counter('skein_stream_trimmed_total', 'Entries trimmed after every group acknowledged them', [
    'stream',
  ]);
  readonly streamLength = gauge('skein_stream_length', 'Entries in a stream', ['stream']);
  readonly streamPending = gauge('skein_stream_pending', 'Entries delivered to a group and not yet acknowledged', [
    'stream',
    'group',
  ]);
  readonly streamLag = gauge('skein_stream_lag', 'Entries not yet delivered to a group', ['stream', 'group']);
  readonly streamConsumers = gauge('skein_stream_consumers', 'Consumers in a group', ['stream', 'group']);
  readonly streamConsumersLive = gauge(
    'skein_stream_consumers_live',
    'Consumers of a group held by a running worker (engine lease alive)',
    ['stream', 'group'],
  );

  // Ingest
  readonly ingested = counter('skein_ingest_articles_total', 'Articles offered to ingest by outcome', [
    'source',
    'outcome',
  ]);

  // Model providers (classifier and summarizer, local or remote)
  readonly providerCalls = counter('skein_provider_calls_total', 'Model provider calls by outcome', [
    'kind',
    'provider',
    'outcome',
  ]);
  readonly providerFallbacks = counter(
    'skein_provider_fallbacks_total',
    'Batches handled by the local fallback after a remote provider failed',
    ['kind'],
  );
  readonly providerDuration = histogram('skein_provider_duration_seconds', 'Model provider call time', [
    'kind',
    'provider',
  ]);

  // HTTP (every request the server answers, fast routes included; src/metrics/http-metrics.ts)
  /** Exemplar: the request's trace (observeLatency). */
  readonly httpRequestDuration = tracedHistogram(
    'skein_http_request_duration_seconds',
    'HTTP requests from arrival to the end of the answer, by route template and status',
    ['method', 'route', 'status'],
  );

  // Socket.IO (both gateways, labelled by namespace)
  readonly socketConnections = gauge('skein_socket_connections', 'Open Socket.IO connections by namespace', [
    'namespace',
  ]);

  // Valkey
  readonly valkeyCommandDuration = histogram(
    'skein_valkey_command_duration_seconds',
    'Round trip of Valkey commands sent by the app',
    ['client'],
  );
  readonly valkeyUp = gauge('skein_valkey_up', '1 when Valkey answers PING');
  readonly valkeyMemory = gauge('skein_valkey_used_memory_bytes', 'Valkey used_memory from INFO');
  readonly valkeyFragmentation = gauge(
    'skein_valkey_mem_fragmentation_ratio',
    'Valkey mem_fragmentation_ratio from INFO',
  );
  readonly valkeyMaxMemory = gauge('skein_valkey_maxmemory_bytes', 'Valkey maxmemory from INFO (0 = no limit)');
}
