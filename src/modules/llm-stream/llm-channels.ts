import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import type { ShardedSubscriber } from '../../valkey/sharded-subscriber.js';
import { ValkeyService } from '../../valkey/valkey.service.js';

/** Called with each message once decoded, and the time (performance.now) the replica received it. */
export type ChannelListener = (message: unknown, receivedAt: number) => void;

/**
 * How a channel is heard on a Valkey Cluster: `sharded` (SSUBSCRIBE on the shard that owns the channel's slot: a
 * stream's own channel, which Skein SPUBLISHes there) or `broadcast` (plain SUBSCRIBE: PUBLISH reaches every node, for
 * `llm:control`, which every replica must hear, and outside publishers that PUBLISH). One server: both are SUBSCRIBE.
 */
export type ChannelScope = 'sharded' | 'broadcast';

interface Subscription {
  listeners: Set<ChannelListener>;
  /** Settles once Valkey has confirmed the SUBSCRIBE: from then on no message of the channel is missed. */
  ready: Promise<void>;
}

/**
 * The replica's Pub/Sub for token streams: on one server one connection (`valkey.subscriber('llm')`); on a cluster
 * also a sharded subscriber (one connection per primary owning a subscribed channel, `valkey.shardedSubscriber`). A
 * channel is subscribed once however many local listeners it has (refcounted), and each message is decoded once and
 * fanned out in process.
 */
@Injectable()
export class LlmChannels implements OnApplicationShutdown {
  private readonly logger = new Logger(LlmChannels.name);
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly resyncListeners = new Set<() => void>();
  private client?: Valkey;
  private sharded?: ShardedSubscriber;

  constructor(private readonly valkey: ValkeyService) {}

  /** Number of channels this replica holds a subscription on. */
  get channelCount(): number {
    return this.subscriptions.size;
  }

  /** Listens on a channel; resolves once messages are flowing; call the returned function to stop. */
  async listen(channel: string, listener: ChannelListener, scope: ChannelScope = 'sharded'): Promise<() => void> {
    const key = this.keyOf(channel, scope);
    let subscription = this.subscriptions.get(key);
    if (!subscription) {
      const ready = key.startsWith('s')
        ? this.shardedConnection().subscribe(channel)
        : this.connection()
            .subscribe(channel)
            .then(() => undefined);
      subscription = { listeners: new Set(), ready };
      this.subscriptions.set(key, subscription);
    }
    subscription.listeners.add(listener);
    const current = subscription;
    try {
      await current.ready;
    } catch (error) {
      this.remove(key, current, listener);
      throw error;
    }
    return () => this.remove(key, current, listener);
  }

  /** The subscriptions map's key: the scope that applies (`s` sharded, `b` broadcast), a space, the channel. */
  private keyOf(channel: string, scope: ChannelScope): string {
    return `${scope === 'sharded' && this.valkey.clustered ? 's' : 'b'} ${channel}`;
  }

  /** Called after the connection comes back: messages published while it was down must be re-read from logs. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriptions.clear();
    await this.sharded?.close();
    if (this.client) await this.valkey.release(this.client);
  }

  private remove(key: string, subscription: Subscription, listener: ChannelListener): void {
    subscription.listeners.delete(listener);
    if (subscription.listeners.size > 0 || this.subscriptions.get(key) !== subscription) return;
    this.subscriptions.delete(key);
    const channel = key.slice(2);
    if (key.startsWith('s')) return this.sharded?.unsubscribe(channel);
    // Commands on one connection run in order: a later SUBSCRIBE of the same channel lands after this.
    this.client
      ?.unsubscribe(channel)
      .catch((error: Error) => this.logger.debug(`unsubscribe ${channel}: ${error.message}`));
  }

  /** The cluster's sharded subscriber; each re-subscription (a slot moved, a connection came back) re-reads logs. */
  private shardedConnection(): ShardedSubscriber {
    this.sharded ??= this.valkey.shardedSubscriber('llm', {
      message: (channel, raw) => this.dispatch(`s ${channel}`, raw),
      resubscribed: () => {
        for (const listener of this.resyncListeners) listener();
      },
    });
    return this.sharded;
  }

  private connection(): Valkey {
    if (this.client) return this.client;
    const client = this.valkey.subscriber('llm');
    let connectedOnce = false;
    client.on('ready', () => {
      if (connectedOnce) for (const listener of this.resyncListeners) listener();
      connectedOnce = true;
    });
    client.on('message', (channel: string, raw: string) => this.dispatch(`b ${channel}`, raw));
    this.client = client;
    if (this.valkey.clustered) this.followClusterSubscriber(client);
    return client;
  }

  /**
   * On a cluster, iovalkey's Cluster subscribes (broadcast channels) through one connection to one node, and when that
   * connection drops it opens another (to any node; PUBLISH reaches every node) and subscribes again, with no event on
   * the client: what was published in between is lost. Each new connection, once ready, gets this replica's channels confirmed, then the
   * listeners re-read their logs, as after a reconnect on a single server.
   */
  private followClusterSubscriber(client: Valkey): void {
    const holder = (client as unknown as { subscriber?: { getInstance?(): Valkey | null } }).subscriber;
    if (typeof holder?.getInstance !== 'function') {
      this.logger.warn(
        'the cluster client does not expose its subscriber: a lost subscriber connection goes unnoticed',
      );
      return;
    }
    let current: Valkey | null = null;
    const check = (): void => {
      const instance = holder.getInstance!();
      if (!instance || instance === current) return;
      const replaced = current !== null;
      current = instance;
      instance.once('end', () => setImmediate(check));
      if (replaced) instance.once('ready', () => void this.resubscribed(client));
    };
    // The cluster opens its first subscriber connection as it becomes ready (and another on each reconnect).
    client.on('ready', check);
    // A replacement made on a topology change (its node left the cluster) ends no connection of ours: polled.
    const timer = setInterval(check, 1000);
    timer.unref();
    client.once('end', () => clearInterval(timer));
  }

  private async resubscribed(client: Valkey): Promise<void> {
    const channels = [...this.subscriptions.keys()].filter((key) => key.startsWith('b')).map((key) => key.slice(2));
    try {
      if (channels.length > 0) await client.subscribe(...channels);
    } catch (error) {
      this.logger.warn(`resubscribing ${channels.length} channels failed: ${(error as Error).message}`);
    }
    for (const listener of this.resyncListeners) listener();
  }

  private dispatch(key: string, raw: string): void {
    const subscription = this.subscriptions.get(key);
    const channel = key.slice(2);
    if (!subscription || subscription.listeners.size === 0) return;
    const receivedAt = performance.now();
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      this.logger.warn(`ignoring a message that is not JSON on ${channel}`);
      return;
    }
    for (const listener of subscription.listeners) {
      try {
        listener(message, receivedAt);
      } catch (error) {
        this.logger.error(`listener on ${channel} failed: ${(error as Error).message}`);
      }
    }
  }
}
