import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Valkey } from 'iovalkey';
import type { Server, ServerOptions } from 'socket.io';
import { socketOriginAllowed } from '../http/hardening.js';
import type { ValkeyService } from './valkey.service.js';

/**
 * Socket.IO over the Redis Streams adapter on Valkey, so an emit on one replica (e.g. a fanout worker) reaches
 * sockets held by another (an api replica), and a brief disconnect does not lose broadcasts.
 */
export class ValkeyIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly valkey: ValkeyService,
    /** CORS_ORIGINS: pages of these origins (besides the app's own) may connect. */
    private readonly origins: readonly string[] = [],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      // Polling answers carry CORS headers for the allowed origins only; WebSocket upgrades skip CORS: allowRequest.
      cors: this.origins.length > 0 ? { origin: [...this.origins] } : undefined,
      allowRequest: (req, done) => done(null, socketOriginAllowed(this.origins, req)),
    } as ServerOptions);
    const client = this.valkey.blocking('socket.io-adapter');
    // The adapter reads and subscribes with connections it duplicates from this one: keep hold of them.
    const duplicates: Valkey[] = [];
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (...args: Parameters<Valkey['duplicate']>) => {
      const copy = duplicate(...args);
      duplicates.push(copy);
      return copy;
    };
    server.adapter(
      createAdapter(client, {
        streamName: this.valkey.keys.socketAdapterStream,
        channelPrefix: this.valkey.keys.socketAdapterChannels,
        maxLen: 10000,
      }),
    );
    // Close the adapter while Valkey is still up, then drop its own connections: a reader blocked in XREAD would
    // otherwise outlive the app, reconnecting to a server that has stopped.
    this.valkey.beforeClose(async () => {
      await new Promise<void>((done) => void server.close(() => done()));
      for (const copy of duplicates) copy.disconnect();
    });
    return server;
  }
}
