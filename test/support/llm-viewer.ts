import { io, type Socket } from 'socket.io-client';

/** A token event of the `/llm` namespace. */
export interface Token {
  index: number;
  content: string;
}

/** A Socket.IO viewer of one stream, collecting its tokens (as sent: duplicates included), its end or error. */
export class StreamViewer {
  readonly tokens: Token[] = [];
  end?: Record<string, unknown>;
  error?: Record<string, unknown>;
  readonly done: Promise<void>;
  private constructor(readonly socket: Socket) {
    this.done = new Promise((resolve) => {
      socket.on('end', (end: Record<string, unknown>) => {
        this.end = end;
        resolve();
      });
      socket.on('error', (error: Record<string, unknown>) => {
        this.error = error;
        resolve();
      });
    });
    socket.on('token', (token: Token) => this.tokens.push({ index: token.index, content: token.content }));
  }

  static async join(url: string, id: string, from?: number): Promise<StreamViewer> {
    const socket = io(`${url}/llm`, { transports: ['websocket'], forceNew: true });
    const viewer = new StreamViewer(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    await socket.emitWithAck('join', from === undefined ? { id } : { id, from });
    return viewer;
  }

  close(): void {
    this.socket.disconnect();
  }
}
