import { Logger } from '@nestjs/common';
import type { Cluster, Valkey } from 'iovalkey';
import { slotOf } from './slots.js';

/** Opens a plain (not cluster) subscriber connection to one node, `host:port`. */
export type NodeConnector = (host: string, port: number) => Valkey;

export interface ShardedHandlers {
  /** One `smessage`: a channel this subscriber holds, and the message as published. */
  message(channel: string, raw: string): void;
  /** Channels were subscribed again (their slot moved, or a connection came back): messages in between may be lost. */
  resubscribed(): void;
}

/** Least and most wait before a channel's failed SSUBSCRIBE is tried again. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

interface Link {
  readonly node: string;
  readonly client: Valkey;
  /** The wanted channels subscribed, or being subscribed, on this connection. */
  readonly channels: Set<string>;
  heartbeat: NodeJS.Timeout;
}

interface Wanted {
  readonly slot: number;
  /** The node the channel is subscribed (or being subscribed) on; undefined while it must be subscribed again. */
  link?: Link;
  confirmed: boolean;
  /** Confirmed once: a later subscription is a re-subscription (messages may have been missed in between). */
  everConfirmed: boolean;
  attempt: number;
  failures: number;
  retry?: NodeJS.Timeout;
  ready: Promise<void>;
  resolve(): void;
}

/**
 * Sharded Pub/Sub (SSUBSCRIBE) on a Valkey Cluster. iovalkey 0.4's Cluster sends SSUBSCRIBE through its one
 * subscriber connection to a random node (ClusterSubscriber.selectSubscriber), which answers MOVED for a channel of
 * another shard; so this keeps one plain connection per primary that owns a subscribed channel's slot (addresses from
 * the cluster client's slot map) and subscribes each channel on its owner. A channel is subscribed again on its owner
 * when ownership changes or a connection was lost: on the cluster client's slot refresh (every 2 s, and after MOVED),
 * on an unsolicited `sunsubscribe` (the server sends one when the slot moves away or the node is demoted), and when a
 * connection comes back; then `resubscribed` tells the caller to re-read what it may have missed.
 */
export class ShardedSubscriber {
  private readonly logger = new Logger(ShardedSubscriber.name);
  private readonly wanted = new Map<string, Wanted>();
  private readonly links = new Map<string, Link>();
  private resyncPending = false;
  private closed = false;
  private readonly onRefresh = (): void => this.ensureAll();

  constructor(
    private readonly cluster: Cluster,
    private readonly connect: NodeConnector,
    private readonly handlers: ShardedHandlers,
    private readonly heartbeatMs: number,
  ) {
    cluster.on('refresh', this.onRefresh);
    cluster.on('ready', this.onRefresh);
  }

  /** Channels held (wanted), and the connections open, for metrics and tests. */
  get size(): { channels: number; connections: number } {
    return { channels: this.wanted.size, connections: this.links.size };
  }

  /** Subscribes `channel` on its owner; resolves once the owner confirmed it (from then on no message is missed). */
  subscribe(channel: string): Promise<void> {
    let wanted = this.wanted.get(channel);
    if (!wanted) {
      let resolve: () => void = () => undefined;
      const ready = new Promise<void>((done) => (resolve = done));
      wanted = {
        slot: slotOf(channel),
        confirmed: false,
        everConfirmed: false,
        attempt: 0,
        failures: 0,
        ready,
        resolve,
      };
      this.wanted.set(channel, wanted);
      this.ensure(channel);
    }
    return wanted.ready;
  }

  unsubscribe(channel: string): void {
    const wanted = this.wanted.get(channel);
    if (!wanted) return;
    this.wanted.delete(channel);
    clearTimeout(wanted.retry);
    wanted.resolve();
    if (wanted.link) this.leave(wanted.link, channel);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cluster.off('refresh', this.onRefresh);
    this.cluster.off('ready', this.onRefresh);
    for (const wanted of this.wanted.values()) {
      clearTimeout(wanted.retry);
      wanted.resolve();
    }
    this.wanted.clear();
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((link) => this.shut(link)));
  }

  /** The primary that owns `slot` in the cluster client's slot map (`host:port`), if known. */
  private ownerOf(slot: number): string | undefined {
    return this.cluster.slots[slot]?.[0];
  }

  private ensureAll(): void {
    for (const channel of this.wanted.keys()) this.ensure(channel);
  }

  /** Subscribes `channel` on its slot's owner unless it is subscribed (or being subscribed) there already. */
  private ensure(channel: string): void {
    const wanted = this.wanted.get(channel);
    if (!wanted || this.closed) return;
    const owner = this.ownerOf(wanted.slot);
    if (owner === undefined) {
      // No slot map yet (the cluster client is connecting): its `ready` and `refresh` call this again.
      return;
    }
    if (wanted.link?.node === owner && this.links.get(owner) === wanted.link) return;
    if (wanted.link) this.leave(wanted.link, channel);
    const link = this.linkTo(owner);
    link.channels.add(channel);
    wanted.link = link;
    wanted.confirmed = false;
    const attempt = ++wanted.attempt;
    clearTimeout(wanted.retry);
    link.client.ssubscribe(channel).then(
      () => {
        if (this.wanted.get(channel) !== wanted || wanted.attempt !== attempt) return;
        wanted.confirmed = true;
        wanted.failures = 0;
        if (wanted.everConfirmed) this.resyncSoon();
        wanted.everConfirmed = true;
        wanted.resolve();
      },
      (error: Error) => {
        if (this.wanted.get(channel) !== wanted || wanted.attempt !== attempt) return;
        link.channels.delete(channel);
        wanted.link = undefined;
        // MOVED: the slot map is stale (a failover or resharding not yet seen): read it again before the retry.
        if (/^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN)/.test(error.message)) this.cluster.refreshSlotsCache();
        const delay = Math.min(RETRY_MIN_MS * 2 ** wanted.failures++, RETRY_MAX_MS);
        this.logger.debug(`SSUBSCRIBE ${channel} on ${owner} failed (${error.message}); again in ${delay} ms`);
        wanted.retry = setTimeout(() => this.ensure(channel), delay);
        this.closeIfIdle(link);
      },
    );
  }

  /** The channel is no longer wanted on `link` (unsubscribed, or its slot moved): SUNSUBSCRIBE it there. */
  private leave(link: Link, channel: string): void {
    if (!link.channels.delete(channel)) return;
    if (this.closeIfIdle(link)) return;
    // Sent even while the connection is down: queued after a pending SSUBSCRIBE of the channel, it undoes it.
    link.client.sunsubscribe(channel).catch((error: Error) => this.logger.debug(`SUNSUBSCRIBE: ${error.message}`));
  }

  /** Closes a connection that holds no wanted channel; true when closed. */
  private closeIfIdle(link: Link): boolean {
    if (link.channels.size > 0 || this.links.get(link.node) !== link) return false;
    this.links.delete(link.node);
    void this.shut(link);
    return true;
  }

  private async shut(link: Link): Promise<void> {
    clearInterval(link.heartbeat);
    if (link.client.status !== 'ready') return link.client.disconnect();
    await link.client.quit().then(
      () => undefined,
      () => link.client.disconnect(),
    );
  }

  private linkTo(node: string): Link {
    const known = this.links.get(node);
    if (known) return known;
    const separator = node.lastIndexOf(':');
    const client = this.connect(node.slice(0, separator), Number(node.slice(separator + 1)));
    const link: Link = {
      node,
      client,
      channels: new Set(),
      heartbeat: setInterval(() => this.check(link), this.heartbeatMs),
    };
    link.heartbeat.unref();
    this.links.set(node, link);
    client.on('smessage', (channel: string, raw: string) => {
      if (this.wanted.get(channel)?.link === link) this.handlers.message(channel, raw);
    });
    client.on('error', (error: Error) => {
      // An unsolicited `sunsubscribe` (the slot moved) reaches iovalkey with no command awaiting it: it reports it as
      // an error ("Command queue state error … Last reply: sunsubscribe,<channel>,<count>").
      const dropped = /Last reply: sunsubscribe,([^,]+),/.exec(error.message)?.[1];
      if (dropped !== undefined) this.dropped(link, dropped);
      else this.logger.debug(`sharded subscriber ${node}: ${error.message}`);
    });
    // A connection that drops loses its subscriptions: each channel is subscribed again (on whichever node owns it
    // then, the same one once it is back) and the caller re-reads what it may have missed meanwhile.
    client.on('close', () => {
      if (this.links.get(node) !== link) return;
      const channels = [...link.channels];
      link.channels.clear();
      for (const channel of channels) {
        const wanted = this.wanted.get(channel);
        if (wanted?.link === link) {
          wanted.link = undefined;
          wanted.confirmed = false;
        }
      }
      // Subscribed again on the next slot refresh (or now, queued until this connection is back).
      for (const channel of channels) this.ensure(channel);
    });
    // Reconnection attempts are bounded (the connector's retryStrategy): past them the node is given up, and the
    // channels go to whichever node owns them at the next slot refresh.
    client.on('end', () => {
      clearInterval(link.heartbeat);
      if (this.links.get(node) !== link) return;
      this.links.delete(node);
      for (const channel of link.channels) {
        const wanted = this.wanted.get(channel);
        if (wanted?.link === link) wanted.link = undefined;
      }
      link.channels.clear();
    });
    return link;
  }

  /** The server dropped a subscription on its own (its slot moved, or it was demoted): subscribe it on the new owner. */
  private dropped(link: Link, channel: string): void {
    const wanted = this.wanted.get(channel);
    if (wanted?.link !== link) return;
    link.channels.delete(channel);
    wanted.link = undefined;
    wanted.confirmed = false;
    this.cluster.refreshSlotsCache();
    this.ensure(channel);
    this.closeIfIdle(link);
  }

  /**
   * Pings the connection (a half-open one is dropped by the socket timeout), and finds subscriptions the server dropped
   * while a command awaited its reply (iovalkey then takes the `sunsubscribe` for that reply, and reports nothing).
   */
  private check(link: Link): void {
    if (link.client.status !== 'ready') return;
    link.client.ping().catch(() => undefined);
    const subscriber = (link.client.condition?.subscriber || undefined) as
      { channels(kind: string): string[] } | undefined;
    const held = new Set(subscriber?.channels('ssubscribe') ?? []);
    for (const channel of [...link.channels]) {
      const wanted = this.wanted.get(channel);
      if (wanted?.confirmed && wanted.link === link && !held.has(channel)) this.dropped(link, channel);
    }
  }

  /** One `resubscribed` for the channels re-subscribed in one turn. */
  private resyncSoon(): void {
    if (this.resyncPending) return;
    this.resyncPending = true;
    setImmediate(() => {
      this.resyncPending = false;
      if (!this.closed) this.handlers.resubscribed();
    });
  }
}
