import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server, ServerOptions } from 'socket.io';
import type { ValkeyService } from './valkey.service.js';

/**
 * Socket.IO over the Redis Streams adapter on Valkey, so an emit on one replica (e.g. a fanout worker) reaches
 * sockets held by another (an api replica), and a brief disconnect does not lose broadcasts.
 */
export class ValkeyIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly valkey: ValkeyService,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, cors: { origin: true } } as ServerOptions);
    server.adapter(
      createAdapter(this.valkey.blocking('socket.io-adapter'), {
        streamName: this.valkey.keys.socketAdapterStream,
        maxLen: 10000,
      }),
    );
    return server;
  }
}
