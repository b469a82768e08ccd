import { Injectable } from '@nestjs/common';
import { counter, gauge, histogram } from '../../metrics/metrics.service.js';

/**
 * Token-stream metrics; labels are providers, outcomes and transports only, never a stream id. (The /llm gateway's
 * connections are the shared `skein_socket_connections`, in Metrics.)
 */
@Injectable()
export class LlmStreamMetrics {
  readonly started = counter('skein_llm_streams_started_total', 'Token streams whose generation started', ['provider']);
  readonly ended = counter('skein_llm_streams_ended_total', 'Token streams ended, by outcome', ['outcome']);
  readonly tokens = counter('skein_llm_tokens_total', 'Tokens logged and published', ['provider']);
  readonly viewers = gauge('skein_llm_viewers', 'Viewers attached to token streams on this replica', ['transport']);
  readonly viewersDropped = counter('skein_llm_viewers_dropped_total', 'Viewers dropped by the server, by reason', [
    'transport',
    'reason',
  ]);
  readonly publishLatency = histogram(
    'skein_llm_token_publish_to_send_seconds',
    'From a token being published (its timestamp) to its write to a viewer (once per broadcast to a room of viewers)',
    ['transport'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
}
