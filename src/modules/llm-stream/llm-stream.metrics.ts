import { Metrics } from '../../metrics/metrics.service.js';

/** Token-stream metrics; labels are providers, outcomes and transports only, never a stream id. */
export const LlmStreamMetrics = {
  started: Metrics.counter('skein_llm_streams_started_total', 'Token streams whose generation started', ['provider']),
  ended: Metrics.counter('skein_llm_streams_ended_total', 'Token streams ended, by outcome', ['outcome']),
  tokens: Metrics.counter('skein_llm_tokens_total', 'Tokens logged and published', ['provider']),
  // The same family the /feeds gateway reports into, labelled by namespace.
  connections: Metrics.gauge('skein_socket_connections', 'Open Socket.IO connections by namespace', ['namespace']),
  viewers: Metrics.gauge('skein_llm_viewers', 'Viewers attached to token streams on this replica', ['transport']),
  viewersDropped: Metrics.counter('skein_llm_viewers_dropped_total', 'Viewers dropped by the server, by reason', [
    'transport',
    'reason',
  ]),
  publishLatency: Metrics.histogram(
    'skein_llm_token_publish_to_send_seconds',
    'From a token being published (its timestamp) to its write to a viewer (once per broadcast to a room of viewers)',
    ['transport'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  ),
};
