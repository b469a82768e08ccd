import { Metrics } from '../../metrics/metrics.service.js';

export const feedsMetrics = {
  connections: Metrics.gauge('skein_socket_connections', 'Open Socket.IO connections by namespace', ['namespace']),
  liveItems: Metrics.counter('skein_feed_live_items_total', 'feed:item events pushed to connected users'),
  dropped: Metrics.counter(
    'skein_feed_sockets_dropped_total',
    '/feeds sockets disconnected because FEED_SOCKET_BUFFER packets waited to be written to them',
  ),
};
