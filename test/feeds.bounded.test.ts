import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { FeedRelay } from '../src/modules/feeds/feed.relay.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

describe('a /feeds socket that leaves during admission', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, { ROLES: 'api' });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('leaves the relay watching nobody once its admission completes', async () => {
    const relay = app.app.get(FeedRelay);
    expect(relay.watching).toBe(0);
    // Writes wait 500 ms: admission (which marks the user active first) is held while the client leaves.
    await client.call('CLIENT', 'PAUSE', '500', 'WRITE');
    const socket = io(`${app.url}/feeds`, { auth: { userId: 'leaver' }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.disconnect();
    // Admission resumes after the pause: the user is marked active, then the relay is joined (one more round trip).
    await eventually(async () => (await client.zscore('users_active', 'leaver')) !== null, 5000);
    await sleep(300);
    expect(relay.watching).toBe(0);

    // Nor is the user's room left holding the gone socket: the next socket of the user is watched, then released.
    const next = io(`${app.url}/feeds`, { auth: { userId: 'leaver' }, transports: ['websocket'], reconnection: false });
    expect(await next.timeout(5000).emitWithAck('feed:sync', { after: '0-0' })).toEqual({ items: [] });
    expect(relay.watching).toBe(1);
    next.disconnect();
    await eventually(() => relay.watching === 0, 5000);
  });
});
