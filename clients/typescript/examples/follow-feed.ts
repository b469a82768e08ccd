/**
 * Follows a user's feed live: the latest page over HTTP (the typed client), then every new item over Socket.IO
 * (namespace /feeds, see clients/asyncapi.yaml), catching up with feed:sync after each reconnect so nothing is missed.
 *
 *   npx tsx clients/typescript/examples/follow-feed.ts [http://127.0.0.1:3000] [userId]
 */
import { io, type Socket } from 'socket.io-client';
import { createSkeinClient } from '../index.js';

/** One delivery to a feed (clients/asyncapi.yaml#/components/schemas/FeedItem). */
export interface FeedItem {
  cursor: string;
  id: string;
  title: string;
  topic: string;
  ingested_at: number;
  url?: string;
  summary?: string;
  [field: string]: unknown;
}

export interface FeedSyncReply {
  items?: FeedItem[];
  more?: true;
  error?: string;
}

export interface ServerToClientEvents {
  'feed:item': (item: FeedItem) => void;
  error: (error: { event: string; message: string }) => void;
}

export interface ClientToServerEvents {
  'feed:sync': (request: { after: string }, ack: (reply: FeedSyncReply) => void) => void;
}

export type FeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Calls `onItem` for each item of `userId`'s feed from now on, in order and once; returns the socket (close it). */
export function followFeed(baseUrl: string, userId: string, onItem: (item: FeedItem) => void): FeedSocket {
  const socket: FeedSocket = io(`${baseUrl}/feeds`, { auth: { userId }, transports: ['websocket'] });
  let last: string | undefined;
  const deliver = (item: FeedItem): void => {
    if (last !== undefined && compareCursors(item.cursor, last) <= 0) return;
    last = item.cursor;
    onItem(item);
  };
  socket.on('feed:item', deliver);
  socket.on('error', (error) => console.error(`feed ${userId}: ${error.event}: ${error.message}`));
  socket.on('connect', () => {
    if (last !== undefined) void catchUp(socket, last, deliver);
  });
  return socket;
}

/** What came after `after` while disconnected, page by page while the server says there is more. */
async function catchUp(socket: FeedSocket, after: string, deliver: (item: FeedItem) => void): Promise<void> {
  for (;;) {
    const reply = await socket.emitWithAck('feed:sync', { after });
    if (reply.error) return console.error(`feed:sync: ${reply.error}`);
    const items = reply.items ?? [];
    items.forEach(deliver);
    if (!reply.more || items.length === 0) return;
    after = items[items.length - 1].cursor;
  }
}

/** Stream entry ids (`ms-seq`) in order. */
function compareCursors(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

async function main(baseUrl = 'http://127.0.0.1:3000', userId = 'u1'): Promise<void> {
  const skein = createSkeinClient(baseUrl);
  const { data, error } = await skein.GET('/users/{uid}/feed', { params: { path: { uid: userId } } });
  if (!data) throw new Error(`GET /users/${userId}/feed: ${JSON.stringify(error)}`);
  // The page's items are documented as objects: the same shape as feed:item's.
  for (const item of (data.items as FeedItem[]).slice().reverse()) print(`[latest] ${item.topic}: ${item.title}`);
  const socket = followFeed(baseUrl, userId, (item) => print(`[live] ${item.topic}: ${item.title}`));
  process.once('SIGINT', () => socket.close());
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2], process.argv[3]).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
