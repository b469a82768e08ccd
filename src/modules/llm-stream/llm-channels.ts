import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { ValkeyService } from '../../valkey/valkey.service.js';

/** Called with each message once decoded, and the time (performance.now) the replica received it. */
export type ChannelListener = (message: unknown, receivedAt: number) => void;

interface Subscription {
  listeners: Set<ChannelListener>;
  /** Settles once Valkey has confirmed the SUBSCRIBE: from then on no message of the channel is missed. */
  ready: Promise<void>;
}

/**
 * The replica's one Pub/Sub connection for token streams (`valkey.subscriber('llm')`): a channel is subscribed once
 * however many local listeners it has (refcounted), and each message is decoded once and fanned out in process.
 */
@Injectable()
export class LlmChannels implements OnApplicationShutdown {
  private readonly logger = new Logger(LlmChannels.name);
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly resyncListeners = new Set<() => void>();
  private client?: Valkey;

  constructor(private readonly valkey: ValkeyService) {}

  /** Number of channels this replica holds a subscription on. */
  get channelCount(): number {
    return this.subscriptions.size;
  }

  /** Listens on a channel; resolves once messages are flowing; call the returned function to stop. */
  async listen(channel: string, listener: ChannelListener): Promise<() => void> {
    let subscription = this.subscriptions.get(channel);
    if (!subscription) {
      const ready = this.connection()
        .subscribe(channel)
        .then(() => undefined);
      subscription = { listeners: new Set(), ready };
      this.subscriptions.set(channel, subscription);
    }
    subscription.listeners.add(listener);
    const current = subscription;
    try {
      await current.ready;
    } catch (error) {
      this.remove(channel, current, listener);
      throw error;
    }
    return () => this.remove(channel, current, listener);
  }

  /** Called after the connection comes back: messages published while it was down must be re-read from logs. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriptions.clear();
    if (this.client) await this.valkey.release(this.client);
  }

  private remove(channel: string, subscription: Subscription, listener: ChannelListener): void {
    subscription.listeners.delete(listener);
    if (subscription.listeners.size > 0 || this.subscriptions.get(channel) !== subscription) return;
    this.subscriptions.delete(channel);
    // Commands on one connection run in order: a later SUBSCRIBE of the same channel lands after this.
    this.client
      ?.unsubscribe(channel)
      .catch((error: Error) => this.logger.debug(`unsubscribe ${channel}: ${error.message}`));
  }

  private connection(): Valkey {
    if (this.client) return this.client;
    const client = this.valkey.subscriber('llm');
    let connectedOnce = false;
    client.on('ready', () => {
      if (connectedOnce) for (const listener of this.resyncListeners) listener();
      connectedOnce = true;
    });
    client.on('message', (channel: string, raw: string) => this.dispatch(channel, raw));
    this.client = client;
    if (this.valkey.clustered) this.followClusterSubscriber(client);
    return client;
  }

  /**
   * On a cluster, iovalkey's Cluster subscribes through one connection to one node, and when that connection drops it
   * opens another (to any node; PUBLISH reaches every node) and subscribes again, with no event on the client: what was
   * published in between is lost. Each new connection, once ready, gets this replica's channels confirmed, then the
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
    const channels = [...this.subscriptions.keys()];
    try {
      if (channels.length > 0) await client.subscribe(...channels);
    } catch (error) {
      this.logger.warn(`resubscribing ${channels.length} channels failed: ${(error as Error).message}`);
    }
    for (const listener of this.resyncListeners) listener();
  }

  private dispatch(channel: string, raw: string): void {
    const subscription = this.subscriptions.get(channel);
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
