import { Injectable, Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { Valkey, type RedisOptions } from 'iovalkey';
import { AppConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.service.js';
import { checkValkeyConnection } from './connection-check.js';
import { EmbeddedValkey } from './embedded-valkey.js';
import { Keys } from './keys.js';

/** Where Valkey is: an external URL, or the embedded server this process started. */
export class ValkeyConnection {
  constructor(
    readonly url: string,
    readonly embedded?: EmbeddedValkey,
  ) {}

  static async open(config: AppConfig, logger = new Logger('Valkey')): Promise<ValkeyConnection> {
    if (config.env.VALKEY_URL) {
      await checkValkeyConnection(config.env.VALKEY_URL, config.env.VALKEY_CONNECT_TIMEOUT_MS);
      return new ValkeyConnection(config.env.VALKEY_URL);
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

const COMMAND_SAMPLE = 4;

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
  private stopping = false;
  readonly keys: Keys;
  readonly command: Valkey;

  constructor(
    config: AppConfig,
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

  /** A dedicated connection for one blocking reader (XREADGROUP BLOCK, BLPOP). */
  blocking(name: string): Valkey {
    return this.create('blocking', name);
  }

  /** A dedicated connection for (P)SUBSCRIBE. */
  subscriber(name: string): Valkey {
    return this.create('subscriber', name);
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

  private create(kind: ClientKind, name: string): Valkey {
    const options: RedisOptions = {
      connectionName: `skein:${name}`,
      lazyConnect: false,
      // Blocking readers and subscribers wait out a restart; command callers fail after a bounded number of retries.
      maxRetriesPerRequest: kind === 'command' || kind === 'direct' ? 20 : null,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      enableAutoPipelining: kind === 'command',
    };
    const client = new Valkey(this.connection.url, options);
    client.on('error', (error: Error) => this.logger.debug(`${name}: ${error.message}`));
    client.on('reconnecting', () => {
      if (this.stopping) abandon(client);
    });
    if (kind === 'command' || kind === 'direct') this.timeCommands(client, name === 'command' ? 'command' : 'other');
    this.clients.add(client);
    return client;
  }

  /**
   * Records the round trip of commands this client really sends (not a synthetic PING loop); one command in
   * COMMAND_SAMPLE is timed, which keeps the histogram representative at a fraction of the cost on hot paths.
   */
  private timeCommands(client: Valkey, label: string): void {
    const histogram = this.metrics.valkeyCommandDuration.labels(label);
    const send = client.sendCommand.bind(client);
    let sent = 0;
    client.sendCommand = (command: Parameters<typeof send>[0], stream?: Parameters<typeof send>[1]) => {
      if (++sent % COMMAND_SAMPLE !== 0) return send(command, stream);
      const end = histogram.startTimer();
      const result = send(command, stream);
      const stop = (): void => void end();
      command.promise.then(stop, stop);
      return result;
    };
  }
}

/** Closes a client that cannot reach Valkey while the app stops: its commands, queued or new, fail at once. */
function abandon(client: Valkey): void {
  client.options.enableOfflineQueue = false;
  client.disconnect();
  // Between reconnect attempts iovalkey's disconnect() leaves queued commands pending for good: reject them.
  (client as unknown as { flushQueue(error: Error): void }).flushQueue(
    new Error('Valkey is unreachable and the app is stopping'),
  );
}
