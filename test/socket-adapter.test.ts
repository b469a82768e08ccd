import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Valkey } from 'iovalkey';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import type { ValkeyService } from '../src/valkey/valkey.service.js';
import { ValkeyIoAdapter } from '../src/valkey/valkey-io.adapter.js';
import { eventually } from './support/app.js';
import { EngineFixture } from './support/engine.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

/** One replica's Socket.IO server over the Valkey adapter, on its own HTTP server and Valkey clients. */
interface Replica {
  io: Server;
  http: HttpServer;
  valkey: ValkeyService;
  url: string;
}

describe(`Socket.IO across replicas through the Valkey adapter (${TOPOLOGY})`, () => {
  let store: TestStore;
  let admin: Valkey;
  const services = new EngineFixture(
    () => store.url,
    () => admin,
    {
      consumerBase: 'io',
      batchSize: 1,
      blockMs: 100,
      claimIdleMs: 1000,
      maxDeliveries: 1,
      concurrency: 1,
      trimIntervalMs: 60000,
    },
    () => store.env,
  );
  const replicas: Replica[] = [];
  const sockets: Socket[] = [];

  async function replica(): Promise<Replica> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const valkey = services.service();
    const adapter = new ValkeyIoAdapter(http as unknown as INestApplicationContext, valkey);
    const server = adapter.createIOServer(0);
    const made = { io: server, http, valkey, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
    replicas.push(made);
    return made;
  }

  beforeAll(async () => {
    store = await startStore();
    admin = store.client();
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    for (const { valkey, http } of replicas.splice(0)) {
      await valkey.onApplicationShutdown();
      http.close();
    }
    await services.reset();
  });

  afterAll(async () => {
    await store?.stop();
  });

  it('delivers a broadcast made on one replica to a socket held by another, and finds that socket from the first', async () => {
    const [a, b] = [await replica(), await replica()];
    b.io.of('/t').on('connection', (socket) => void socket.join('room-1'));
    a.io.of('/t');
    const socket = io(`${b.url}/t`, { transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const received: unknown[] = [];
    socket.on('hello', (payload) => received.push(payload));
    // The adapter's reader on `a` may start after its first emits: emit until one arrives.
    await eventually(async () => {
      a.io.of('/t').to('room-1').emit('hello', { n: 1 });
      await new Promise((r) => setTimeout(r, 50));
      return received.length > 0;
    }, 10000);
    expect(received[0]).toEqual({ n: 1 });
    // A request answered by every replica (Pub/Sub, and the subscriber count summed over the cluster's nodes).
    const found = await eventually(async () => {
      const ids = (await a.io.of('/t').fetchSockets()).map((remote) => remote.id);
      return ids.includes(socket.id!) ? ids : undefined;
    }, 10000);
    expect(found).toEqual([socket.id]);
  });
});
