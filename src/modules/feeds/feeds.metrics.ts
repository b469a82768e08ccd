import { Injectable } from '@nestjs/common';
import { counter, gauge } from '../../metrics/metrics.service.js';

/** Feed gateway metrics (its connections are the shared `skein_socket_connections`, in Metrics). */
@Injectable()
export class FeedsMetrics {
  readonly liveItems = counter('skein_feed_live_items_total', 'feed:item events pushed to connected users');
  readonly dropped = counter(
    'skein_feed_sockets_dropped_total',
    '/feeds sockets disconnected because FEED_SOCKET_BUFFER packets waited to be written to them',
  );
  readonly backlog = gauge(
    'skein_feed_backlog',
    'Entries held in the feed_stream:{uid} streams of the users in users_active, summed (no per-user label)',
  );
}
