import { Injectable } from '@nestjs/common';
import { counter, histogram } from '../metrics/metrics.service.js';

const FEED_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Fan-out metrics, recorded by the fanout worker and by the feeds API's rebuilds (provided and exported by the global
 * FanoutModule beside the feed repository); no label carries a user or article id.
 */
@Injectable()
export class FanoutMetrics {
  readonly deliveries = counter('skein_fanout_deliveries_total', 'Article ids added to user feeds');
  readonly duplicates = counter(
    'skein_fanout_duplicates_skipped_total',
    'Deliveries skipped because the article was already in the feed',
  );
  readonly inactiveSkipped = counter(
    'skein_fanout_inactive_skipped_total',
    'Subscribers skipped at fan-out because they were inactive',
  );
  readonly pulled = counter(
    'skein_fanout_pulled_total',
    'Articles left to their readers (not delivered to each feed): their topic had more than FANOUT_PULL_THRESHOLD active followers',
  );
  readonly rebuilds = counter(
    'skein_feed_rebuilds_total',
    'Feeds rebuilt from topic streams when an inactive user came back',
  );
  readonly ingestToFeed = histogram(
    'skein_ingest_to_feed_seconds',
    'Time from ingest (ingested_at) to delivery into user feeds, once per article delivered',
    [],
    FEED_LATENCY_BUCKETS,
  );
}
