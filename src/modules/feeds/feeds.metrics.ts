import { Injectable } from '@nestjs/common';
import { counter } from '../../metrics/metrics.service.js';

/** Feed gateway metrics (its connections are the shared `skein_socket_connections`, in Metrics). */
@Injectable()
export class FeedsMetrics {
  readonly liveItems = counter('skein_feed_live_items_total', 'feed:item events pushed to connected users');
  readonly dropped = counter(
    'skein_feed_sockets_dropped_total',
    '/feeds sockets disconnected because FEED_SOCKET_BUFFER packets waited to be written to them',
  );
}
