import { Injectable } from '@nestjs/common';
import { counter, histogram } from '../../metrics/metrics.service.js';

const READ_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Feature store metrics. Labels are bounded (outcome, status); never a view or entity id. */
@Injectable()
export class FeatureMetrics {
  readonly rowsPushed = counter(
    'skein_feature_rows_pushed_total',
    'Feature rows appended to fs:stream:{view} by POST /features/push',
  );
  readonly rowsMaterialized = counter(
    'skein_feature_rows_materialized_total',
    'Feature rows written to fs:v1:{view}:{entity_id}',
  );
  readonly rowsSkippedOlder = counter(
    'skein_feature_rows_skipped_older_total',
    'Feature rows not written because the stored row has a newer event time',
  );
  readonly rowsRejected = counter(
    'skein_feature_rows_rejected_total',
    'Stream entries that do not match their view (sent to dlq:features)',
  );
  readonly onlineReadDuration = histogram(
    'skein_feature_online_read_duration_seconds',
    'Time to answer POST /features/get-online-features (registry lookup, Valkey round trip, response build)',
    [],
    READ_BUCKETS,
  );
  readonly onlineValues = counter(
    'skein_feature_online_values_total',
    'Feature values served by online reads, by status',
    ['status'],
  );
  readonly pushRefused = counter(
    'skein_feature_push_refused_total',
    'Pushes refused because the unacknowledged backlog is at FEATURE_STREAM_MAXLEN',
  );
}
