import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP server standing in for a remote model endpoint; records every request it gets. */
export class StandIn {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly requests: RecordedRequest[],
  ) {}

  static async start(
    handler: (req: RecordedRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>,
  ): Promise<StandIn> {
    const recorded: RecordedRequest[] = [];
    const server = createServer((raw, res) => {
      let body = '';
      raw.on('data', (chunk: Buffer) => (body += chunk.toString()));
      raw.on('end', () => {
        const req = { method: raw.method ?? 'GET', url: raw.url ?? '/', headers: raw.headers, body };
        recorded.push(req);
        void Promise.resolve(handler(req, res, raw)).catch(() => res.destroy());
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return new StandIn(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, recorded);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((done) => this.server.close(done));
  }
}
