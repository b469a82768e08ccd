import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to a local port. `blackholeOpenConnections` makes every connection open now go silent both ways for
 * good, without a reset — what a client sees across a network partition — while new connections get through.
 * `cutOpenConnections` closes every open connection (a dropped link); while `refusing`, new ones are closed at once.
 */
export class TcpProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; silent: boolean }>();
  refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const holder: { proxy?: TcpProxy } = {};
    const server = createServer((client) => {
      if (holder.proxy?.refusing) return void client.destroy();
      const upstream = connect(targetPort, '127.0.0.1');
      const pair = { client, upstream, silent: false };
      holder.proxy?.pairs.add(pair);
      client.on('data', (chunk) => {
        if (!pair.silent) upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (!pair.silent) client.write(chunk);
      });
      const end = (): void => {
        if (pair.silent) return;
        client.destroy();
        upstream.destroy();
        holder.proxy?.pairs.delete(pair);
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    holder.proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
    return holder.proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  blackholeOpenConnections(): void {
    for (const pair of this.pairs) {
      pair.silent = true;
      // The server side is gone (it would have dropped the connection); the client is not told.
      pair.upstream.destroy();
    }
  }

  cutOpenConnections(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  close(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.server.close();
  }
}
