import { Injectable, Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { Cluster, Valkey, type ClusterNode, type RedisOptions } from 'iovalkey';
import type { ConnectionOptions } from 'node:tls';
import { AppConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.service.js';
import { clusterPipeline } from './cluster-pipeline.js';
import { checkValkeyCluster, checkValkeyConnection } from './connection-check.js';
import { EmbeddedValkey } from './embedded-valkey.js';
import { Keys } from './keys.js';
import { ShardedSubscriber, type ShardedHandlers } from './sharded-subscriber.js';

/** A Valkey Cluster: the seed nodes of VALKEY_CLUSTER_NODES and the credentials their items carry. */
export interface ClusterTarget {
  nodes: ClusterNode[];
  username?: string;
  password?: string;
}

/**
 * Where Valkey is: an external URL (with its TLS settings for rediss://), a cluster (VALKEY_CLUSTER_NODES), or the
 * embedded server this process started.
 */
export class ValkeyConnection {
  constructor(
    readonly url: string,
    readonly embedded?: EmbeddedValkey,
    readonly tls?: ConnectionOptions,
    readonly cluster?: ClusterTarget,
  ) {}

  static async open(config: AppConfig, logger = new Logger('Valkey')): Promise<ValkeyConnection> {
    if (config.env.VALKEY_CLUSTER_NODES) {
      const urls = clusterNodeUrls(config.env.VALKEY_CLUSTER_NODES);
      const tls = urls[0].startsWith('rediss://') ? (tlsOptions(config) ?? {}) : undefined;
      await checkValkeyCluster(urls, config.env.VALKEY_CONNECT_TIMEOUT_MS, tls);
      const parsed = urls.map((url) => new URL(url));
      const withUser = parsed.find((url) => url.username || url.password);
      const target: ClusterTarget = {
        nodes: parsed.map((url) => ({ host: url.hostname, port: Number(url.port || 6379) })),
        username: withUser?.username ? decodeURIComponent(withUser.username) : undefined,
        password: withUser?.password ? decodeURIComponent(withUser.password) : undefined,
      };
      return new ValkeyConnection(urls[0], undefined, tls, target);
    }
    if (config.env.VALKEY_URL) {
      const tls = tlsOptions(config);
      await checkValkeyConnection(config.env.VALKEY_URL, config.env.VALKEY_CONNECT_TIMEOUT_MS, tls);
      return new ValkeyConnection(config.env.VALKEY_URL, undefined, tls);
    }
    const embedded = new EmbeddedValkey({
      bin: config.env.VALKEY_SERVER_BIN,
      dataDir: config.env.VALKEY_DATA_DIR,
      logger,
      // The app's own server is gone: stop (503s forever help no one) so whatever runs Skein starts both again.
      onUnexpectedExit: (detail) => {
        logger.error(`the embedded valkey-server stopped unexpectedly (${detail}); stopping Skein`);
        process.kill(process.pid, 'SIGTERM');
      },
    });
    await embedded.start();
    return new ValkeyConnection(embedded.url, embedded);
  }
}

/** VALKEY_CLUSTER_NODES as one URL per node (`host:port` items become `redis://host:port`). */
export function clusterNodeUrls(nodes: string): string[] {
  return nodes
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => (/^rediss?:\/\//.test(item) ? item : `redis://${item}`));
}

/** The VALKEY_TLS_* settings as iovalkey's `tls` option, only the ones given (rediss:// alone: the system's CAs). */
function tlsOptions(config: AppConfig): ConnectionOptions | undefined {
  const given = config.valkeyTls;
  if (!given) return undefined;
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}

const COMMAND_SAMPLE = 4;

/** Reconnection attempts of one sharded-subscriber connection (~10 s with backoff) before its node is given up. */
const SHARDED_RECONNECTS = 8;

/** Commands whose first argument is not a key (see `autoPipeliningIgnoredCommands` in `clusterClient`). */
const NOT_KEY_FIRST = [
  'call',
  'eval',
  'evalsha',
  'eval_ro',
  'evalsha_ro',
  'fcall',
  'xread',
  'xreadgroup',
  'xgroup',
  'xinfo',
  'script',
  'info',
  'client',
  'cluster',
  'memory',
  'object',
  'publish',
  'spublish',
  'ping',
  'time',
  'dbsize',
  'config',
  'command',
  'function',
];

export type ClientKind = 'command' | 'direct' | 'blocking' | 'subscriber';

/**
 * Hands out named Valkey clients: one shared command connection, and a dedicated connection for each blocking
 * reader and each subscriber. All reconnect with backoff when Valkey restarts.
 */
@Injectable()
export class ValkeyService implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(ValkeyService.name);
  private readonly clients = new Set<Valkey>();
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly runIds = new WeakMap<Valkey, Map<string, Promise<string>>>();
  /** Blocking clients: how many replies each awaits, and since when it has awaited one without a pause. */
  private readonly waits = new WeakMap<Valkey, { pending: number; since?: number }>();
  private stopping = false;
  private controlClient?: Valkey;
  readonly keys: Keys;
  readonly command: Valkey;

  constructor(
    private readonly config: AppConfig,
    readonly connection: ValkeyConnection,
    private readonly metrics: Metrics,
  ) {
    this.keys = new Keys(config.env.KEY_PREFIX);
    this.command = this.create('command', 'command');
  }

  /**
   * A command connection that writes each command at once. The shared connection auto-pipelines: commands issued in
   * one event-loop turn go out in one write, on the next turn. A path that sends one command per request and waits
   * for it (the online feature read) pays that turn and ~80 µs of CPU per request for nothing to batch.
   */
  direct(name: string): Valkey {
    return this.create('direct', name);
  }

  /**
   * The connection for the engine's leases and keep-alives, shared by every worker and written to at once (not
   * auto-pipelined): a renewal never waits behind a fan-out burst queued on the command connection, where a late
   * lease would let another replica take a live consumer's entries. Opened on first use.
   */
  get control(): Valkey {
    return (this.controlClient ??= this.create('direct', 'control'));
  }

  /** A dedicated connection for one blocking reader (XREADGROUP BLOCK, BLPOP) that blocks up to `blockMs`. */
  blocking(name: string, blockMs = 5000): Valkey {
    return this.create('blocking', name, blockMs);
  }

  /** A dedicated connection for (P)SUBSCRIBE. */
  subscriber(name: string): Valkey {
    return this.create('subscriber', name);
  }

  /**
   * Sharded Pub/Sub on a cluster (SSUBSCRIBE on each channel's shard, see ShardedSubscriber): one plain connection per
   * primary that owns a subscribed channel, named `skein:<name>`; closed with the others. Only when `clustered`.
   */
  shardedSubscriber(name: string, handlers: ShardedHandlers): ShardedSubscriber {
    const target = this.connection.cluster;
    if (!target) throw new Error('sharded Pub/Sub needs a Valkey Cluster (VALKEY_CLUSTER_NODES)');
    const timeout = this.config.env.VALKEY_SOCKET_TIMEOUT_MS;
    const connect = (host: string, port: number): Valkey => {
      const client = new Valkey({
        host,
        port,
        username: target.username,
        password: target.password,
        connectionName: `skein:${name}`,
        lazyConnect: false,
        maxRetriesPerRequest: null,
        // The subscriber re-subscribes its channels itself, on whichever node owns them by then.
        autoResubscribe: false,
        // Bounded: a node gone for good (failed over) is given up, and its channels follow the slot map elsewhere.
        retryStrategy: (times) => (times > SHARDED_RECONNECTS ? null : Math.min(50 * 2 ** Math.min(times, 6), 2000)),
        keepAlive: Math.min(timeout, 10000),
        socketTimeout: timeout,
        ...(this.connection.tls && { tls: this.connection.tls }),
      });
      client.on('reconnecting', () => {
        if (this.stopping) abandon(client);
      });
      return client;
    };
    const subscriber = new ShardedSubscriber(
      this.command as unknown as Cluster,
      connect,
      handlers,
      Math.max(100, Math.floor(timeout / 2)),
    );
    this.closers.push(() => subscriber.close());
    return subscriber;
  }

  /** A plain connection owned by the caller (e.g. the Socket.IO adapter); closed with the others. */
  duplicate(name: string): Valkey {
    return this.create('command', name);
  }

  /**
   * False while the command connection is down after having been up (a Valkey restart or outage): requests can fail
   * at once instead of waiting out the client's retries. The first connect counts as reachable.
   */
  get reachable(): boolean {
    const status = this.command.status;
    return status !== 'reconnecting' && status !== 'close' && status !== 'end';
  }

  async release(client: Valkey): Promise<void> {
    this.clients.delete(client);
    // QUIT waits for a connection; a client not connected now is closed at once.
    if (client.status !== 'ready') client.disconnect();
    else await client.quit().catch(() => client.disconnect());
  }

  /** Runs `close` before the clients quit: for holders of connections made outside this service. */
  beforeClose(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /**
   * First step of shutdown. From now on a client that cannot reach Valkey (unreachable already, or lost during the
   * stop, e.g. when Ctrl-C also stopped the embedded server) is closed at once with its queued commands rejected, so
   * the workers' stop (unblock, last acks, lease release) does not wait out retries and blocked readers end. Nothing
   * can be written anyway; unacknowledged entries stay pending and are delivered again.
   */
  onModuleDestroy(): void {
    this.stopping = true;
    if (this.reachable) return;
    this.logger.warn('Valkey is unreachable at shutdown: closing its connections without waiting for it');
    for (const client of this.clients) abandon(client);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.closers.map((close) => close()));
    await Promise.all([...this.clients].map((client) => this.release(client)));
    await this.connection.embedded?.stop();
  }

  /**
   * The `run_id` of the server a client is connected to now: it changes when the server restarts or another one
   * takes over (failover), which is how acknowledgements are tied to the server that saw the output written.
   */
  async runId(client: Valkey, key: string): Promise<string> {
    // On a cluster the server is the one that owns `key`'s slot now: asked through a script on that key.
    const slot = this.clustered ? key : '';
    let byKey = this.runIds.get(client);
    if (!byKey) this.runIds.set(client, (byKey = new Map<string, Promise<string>>()));
    let known = byKey.get(slot);
    if (!known) {
      const info = this.clustered
        ? (client.eval("return redis.call('INFO', 'server')", 1, key) as Promise<string>)
        : client.info('server');
      known = info.then((text) => /^run_id:(\w+)/m.exec(text)?.[1] ?? '');
      byKey.set(slot, known);
      known.catch(() => byKey.delete(slot));
    }
    return known;
  }

  /** Forgets the run ids known for `client` (an acknowledgement was refused: the server changed). */
  forgetRunIds(client: Valkey): void {
    this.runIds.delete(client);
  }

  /**
   * How long a blocking client has been awaiting replies without a pause, 0 when it awaits none: a reader blocked past
   * its block time plus the socket timeout is stuck (the socket timeout should have dropped its connection by then).
   */
  waitingMs(client: Valkey): number {
    const since = this.waits.get(client)?.since;
    return since === undefined ? 0 : Date.now() - since;
  }

  private create(kind: ClientKind, name: string, blockMs = 0): Valkey {
    const timeout = this.config.env.VALKEY_SOCKET_TIMEOUT_MS;
    const options: RedisOptions = {
      connectionName: `skein:${name}`,
      lazyConnect: false,
      // Blocking readers and subscribers wait out a restart; command callers fail after a bounded number of retries.
      maxRetriesPerRequest: kind === 'command' || kind === 'direct' ? 20 : null,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      enableAutoPipelining: kind === 'command',
      // A half-open connection (a partition, a host gone without a reset) is found by TCP keep-alive when idle and by
      // the socket timeout when a reply is awaited; both drop it, and the client reconnects.
      keepAlive: Math.min(timeout, 10000),
      socketTimeout: timeout + blockMs,
      // A failover demoted our server to a replica: reconnect (to whatever the address now names) and resend.
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      // Every connection, and those duplicated from it (the Socket.IO adapter's), uses the same TLS settings.
      ...(this.connection.tls && { tls: this.connection.tls }),
    };
    const client = this.connection.cluster
      ? this.clusterClient(this.connection.cluster, kind, options)
      : new Valkey(this.connection.url, options);
    client.on('error', (error: Error) => this.logger.debug(`${name}: ${error.message}`));
    client.on('close', () => this.runIds.delete(client));
    client.on('reconnecting', () => {
      if (this.stopping) abandon(client);
    });
    // A subscriber awaits no reply between messages, so a socket timeout alone never fires on it: ping it.
    if (kind === 'subscriber') this.heartbeat(client, timeout);
    if (kind === 'command' || kind === 'direct') this.timeCommands(client, name === 'command' ? 'command' : 'other');
    if (kind === 'blocking') this.trackWaits(client);
    this.clients.add(client);
    return client;
  }

  /** True on a Valkey Cluster (VALKEY_CLUSTER_NODES): keys of one script or transaction must share a slot. */
  get clustered(): boolean {
    return this.connection.cluster !== undefined;
  }

  /**
   * A Cluster client typed as the single-server one: they share the command API, and the code that differs (scripts
   * on every primary, pipelines across slots, run ids per key) asks `clustered`. Commands follow MOVED and ASK, and
   * the slot map is refreshed on a failover; a pipeline is sent per command (see `clusterPipeline`).
   */
  private clusterClient(target: ClusterTarget, kind: ClientKind, options: RedisOptions): Valkey {
    const { retryStrategy, maxRetriesPerRequest, enableAutoPipelining, ...perNode } = options;
    const cluster = new Cluster(target.nodes, {
      redisOptions: { ...perNode, username: target.username, password: target.password },
      clusterRetryStrategy: retryStrategy,
      maxRedirections: 16,
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: 2000,
      // The slot map and the nodes' roles are read again this often, not only after an error: a failover that no command
      // trips over (a MOVED answered by the new primary updates one slot, not which node is a primary) is learned too.
      slotsRefreshInterval: 2000,
      enableAutoPipelining,
      // Auto-pipelining groups a command by the slot of its first argument: right for most, wrong where that is not a
      // key (a script's sha, XREADGROUP's GROUP…), which then fails the pipeline's same-node check. Those go alone.
      autoPipeliningIgnoredCommands: NOT_KEY_FIRST,
      enableOfflineQueue: true,
      scaleReads: 'master',
      // Blocking readers wait out a failover, as they wait out a restart.
      ...(maxRetriesPerRequest === null ? {} : { maxRetriesPerRequest }),
    });
    const client = appFacing(cluster);
    for (const event of ['+node', '-node', 'node error', 'refresh']) {
      cluster.on(event, () => this.runIds.delete(client));
    }
    return client;
  }

  private heartbeat(client: Valkey, timeout: number): void {
    const timer = setInterval(
      () => {
        if (client.status === 'ready') client.ping().catch(() => undefined);
      },
      Math.max(100, Math.floor(timeout / 2)),
    );
    timer.unref();
    client.once('end', () => clearInterval(timer));
  }

  /**
   * Records the round trip of commands this client really sends (not a synthetic PING loop); one command in
   * COMMAND_SAMPLE is timed, which keeps the histogram representative at a fraction of the cost on hot paths.
   */
  private timeCommands(client: Valkey, label: string): void {
    const histogram = this.metrics.valkeyCommandDuration.labels(label);
    const send = client.sendCommand.bind(client) as (...args: unknown[]) => ReturnType<Valkey['sendCommand']>;
    let sent = 0;
    // A cluster's sendCommand takes a third argument (the node): everything is passed through.
    client.sendCommand = (command: Parameters<Valkey['sendCommand']>[0], ...rest: unknown[]) => {
      if (++sent % COMMAND_SAMPLE !== 0) return send(command, ...rest);
      const end = histogram.startTimer();
      const result = send(command, ...rest);
      const stop = (): void => void end();
      command.promise.then(stop, stop);
      return result;
    };
  }

  /** Counts the replies a blocking client awaits (a command resent after a reconnect keeps its first send time). */
  private trackWaits(client: Valkey): void {
    const wait: { pending: number; since?: number } = { pending: 0 };
    this.waits.set(client, wait);
    const send = client.sendCommand.bind(client) as (...args: unknown[]) => ReturnType<Valkey['sendCommand']>;
    client.sendCommand = (command: Parameters<Valkey['sendCommand']>[0], ...rest: unknown[]) => {
      if (wait.pending++ === 0) wait.since = Date.now();
      const settled = (): void => {
        if (--wait.pending === 0) wait.since = undefined;
      };
      command.promise.then(settled, settled);
      return send(command, ...rest);
    };
  }
}

/**
 * The cluster client as the app sees it: its own `pipeline()` is one that may span slots (`clusterPipeline`), every
 * other method is the cluster's, bound to it, so iovalkey's internals (auto-pipelining builds per-node pipelines with
 * `pipeline()`) keep the cluster's own. Properties the app sets (a wrapped `sendCommand`) are set on the cluster.
 */
function appFacing(cluster: Cluster): Valkey {
  const bound = new Map<PropertyKey, { original: unknown; method: unknown }>();
  const pipeline = (): ReturnType<Cluster['pipeline']> => clusterPipeline(cluster);
  return new Proxy(cluster, {
    get(target, property) {
      if (property === 'pipeline') return pipeline;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let known = bound.get(property);
      if (known?.original !== value) {
        known = { original: value, method: (value as (...args: unknown[]) => unknown).bind(target) };
        bound.set(property, known);
      }
      return known.method;
    },
  }) as unknown as Valkey;
}

/** Closes a client that cannot reach Valkey while the app stops: its commands, queued or new, fail at once. */
function abandon(client: Valkey): void {
  client.options.enableOfflineQueue = false;
  client.disconnect();
  // Between reconnect attempts iovalkey's disconnect() leaves queued commands pending for good: reject them.
  (client as unknown as { flushQueue?(error: Error): void }).flushQueue?.(
    new Error('Valkey is unreachable and the app is stopping'),
  );
}
