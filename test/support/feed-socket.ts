import { io, type Socket } from 'socket.io-client';

/**
 * Connects a `/feeds` socket for `uid` that records every `feed:item` in `live`, and waits until it is admitted (a
 * message is answered only once the user is active, the room joined and the relay watching): after this, live
 * pushes flow.
 */
export async function connectFeed<T>(url: string, uid: string, live: T[]): Promise<Socket> {
  const socket = io(`${url}/feeds`, { auth: { userId: uid }, transports: ['websocket'], reconnection: false });
  socket.on('feed:item', (item: T) => live.push(item));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await socket.timeout(5000).emitWithAck('feed:sync', { after: '0-0' });
  return socket;
}
