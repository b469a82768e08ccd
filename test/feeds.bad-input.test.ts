import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

interface SocketError {
  event: string;
  message: string;
}

function connect(url: string, auth: Record<string, unknown>): Socket {
  return io(`${url}/feeds`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

function next<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (value: T) => resolve(value)));
}

describe('feeds: bad input', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { ROLES: 'api,fanout' });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('PUT topics with an unknown topic is a 400 naming it, and keeps the previous topics', async () => {
    await json(`${app.url}/users/u1/topics`, { method: 'PUT', body: { topics: ['science'] } });
    const res = await json<{ message: string }>(`${app.url}/users/u1/topics`, {
      method: 'PUT',
      body: { topics: ['technology', 'astrology'] },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('astrology');
    expect((await json<{ topics: string[] }>(`${app.url}/users/u1`)).body.topics).toEqual(['science']);
  });

  it('a user id outside [A-Za-z0-9_-]{1,64} is a 400 on every user route', async () => {
    const long = 'x'.repeat(65);
    expect((await json(`${app.url}/users/a.b`)).status).toBe(400);
    expect((await json(`${app.url}/users/${long}/feed`)).status).toBe(400);
    expect((await json(`${app.url}/users/a%20b/topics`, { method: 'PUT', body: { topics: [] } })).status).toBe(400);
  });

  it('an unknown user is a user without topics and an empty feed, not a 404', async () => {
    expect((await json(`${app.url}/users/nobody`)).body).toEqual({ id: 'nobody', topics: [] });
    expect((await json(`${app.url}/users/nobody/feed`)).body).toEqual({ items: [] });
  });

  it('a socket with a bad userId gets an error event and is disconnected', async () => {
    const socket = connect(app.url, { userId: 'not valid!' });
    const error = await next<SocketError>(socket, 'error');
    expect(error.message).toContain('userId');
    await (socket.connected ? next(socket, 'disconnect') : Promise.resolve());
    expect(socket.connected).toBe(false);
    socket.close();
  });

  it('a feed:sync cursor Valkey cannot read after is refused as bad input, not answered "sync failed; retry"', async () => {
    const socket = connect(app.url, { userId: 'u3' });
    await next(socket, 'connect');
    const huge = '18446744073709551616';
    for (const after of [
      `${huge}-0`,
      `0-${huge}`,
      '18446744073709551615-18446744073709551615',
      `${'9'.repeat(40)}-0`,
    ]) {
      const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after })) as { error?: string };
      expect(reply.error).toContain('payload must be {after: cursor}');
    }
    const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after: '18446744073709551615-0' })) as {
      items: unknown[];
    };
    expect(reply).toEqual({ items: [] });
    socket.close();
  });

  it('a feed:sync payload with a field it does not know is refused naming that field, as REST bodies are', async () => {
    const socket = connect(app.url, { userId: 'u4' });
    await next(socket, 'connect');
    const error = next<SocketError>(socket, 'error');
    const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after: '0-0', limit: 5 })) as {
      error?: string;
    };
    expect(reply.error).toContain('limit');
    expect(await error).toEqual({ event: 'feed:sync', message: reply.error });
    socket.close();
  });

  it('malformed feed:sync payloads get an error event and the connection stays usable', async () => {
    const socket = connect(app.url, { userId: 'u2' });
    await next(socket, 'connect');
    for (const payload of ['garbage', null, { after: 42 }, { after: 'not-a-cursor' }, {}]) {
      const error = next<SocketError>(socket, 'error');
      socket.emit('feed:sync', payload);
      expect(await error).toMatchObject({ event: 'feed:sync' });
    }
    expect(socket.connected).toBe(true);
    const reply = (await socket.timeout(5000).emitWithAck('feed:sync', { after: '0-0' })) as { items: unknown[] };
    expect(reply).toEqual({ items: [] });
    socket.close();
  });
});
