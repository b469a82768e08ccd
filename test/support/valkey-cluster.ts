import { Cluster, Valkey } from 'iovalkey';
import type { EmbeddedValkeyOptions } from '../../src/valkey/embedded-valkey.js';
import { TestValkey } from './valkey.js';

const SLOTS = 16384;

/**
 * A real local Valkey Cluster for one test file: `primaries` valkey-servers with `--cluster-enabled yes`, each owning
 * an equal range of the 16384 slots, and `replicasPerPrimary` replicas of each. Built with CLUSTER MEET,
 * ADDSLOTSRANGE and REPLICATE (what `valkey-cli --cluster create` does), then awaited until every node says the
 * cluster is ok and sees every node.
 */
export class TestValkeyCluster {
  private readonly clients: (Valkey | Cluster)[] = [];

  private constructor(
    readonly primaries: TestValkey[],
    readonly replicas: TestValkey[],
  ) {}

  static async start(
    options: {
      primaries?: number;
      replicasPerPrimary?: number;
      appendOnly?: boolean;
      appendFsync?: EmbeddedValkeyOptions['appendFsync'];
    } = {},
  ) {
    const primaryCount = options.primaries ?? 3;
    const replicaCount = primaryCount * (options.replicasPerPrimary ?? 0);
    const args = [
      '--cluster-enabled',
      'yes',
      '--cluster-node-timeout',
      '1000',
      '--cluster-replica-validity-factor',
      '0',
      // A node learns its own address from a peer's MEET; alone (one primary) it would answer CLUSTER SLOTS with an
      // empty one, which the client cannot connect to.
      '--cluster-announce-ip',
      '127.0.0.1',
    ];
    const servers = await Promise.all(
      Array.from({ length: primaryCount + replicaCount }, () =>
        TestValkey.start({ appendOnly: options.appendOnly, appendFsync: options.appendFsync, args }),
      ),
    );
    const cluster = new TestValkeyCluster(servers.slice(0, primaryCount), servers.slice(primaryCount));
    await cluster.form();
    return cluster;
  }

  /** Every server, primaries first. */
  get servers(): TestValkey[] {
    return [...this.primaries, ...this.replicas];
  }

  /** VALKEY_CLUSTER_NODES for the app: every node's address. */
  get nodes(): string {
    return this.servers.map((server) => `127.0.0.1:${server.port}`).join(',');
  }

  /** The env an app needs to run on this cluster (VALKEY_URL cleared). */
  get env(): Record<string, string> {
    return { VALKEY_URL: '', VALKEY_CLUSTER_NODES: this.nodes };
  }

  /** A cluster client closed by `stop()`. */
  client(): Cluster {
    const client = new Cluster(
      this.servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
      { redisOptions: { maxRetriesPerRequest: null }, clusterRetryStrategy: () => 100 },
    );
    client.on('error', () => undefined);
    this.clients.push(client);
    return client;
  }

  /** The server that owns `slot` now (asked of the first reachable node). */
  async ownerOf(slot: number): Promise<TestValkey> {
    for (const server of this.servers) {
      const client = this.node(server);
      try {
        const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        if (range) return this.servers.find((s) => s.port === Number(range[2][1]))!;
      } catch {
        // this node is down: ask the next
      } finally {
        client.disconnect();
      }
    }
    throw new Error(`no node answers for slot ${slot}`);
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await Promise.all(this.servers.map((server) => server.stop()));
  }

  /** Until every reachable node reports cluster_state:ok and sees all slots assigned. */
  async waitHealthy(timeoutMs = 30000, servers = this.servers): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const server of servers) {
      for (;;) {
        const client = this.node(server);
        const info = await client.call('CLUSTER', 'INFO').catch(() => '');
        client.disconnect();
        if (/cluster_state:ok/.test(String(info)) && /cluster_slots_ok:16384/.test(String(info))) break;
        if (Date.now() > deadline) throw new Error(`cluster not healthy on :${server.port}: ${String(info)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private node(server: TestValkey): Valkey {
    const client = new Valkey(server.port, '127.0.0.1', {
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      lazyConnect: false,
    });
    client.on('error', () => undefined);
    return client;
  }

  private async form(): Promise<void> {
    const [first, ...others] = this.servers;
    const firstClient = this.node(first);
    try {
      for (const server of others) await firstClient.call('CLUSTER', 'MEET', '127.0.0.1', String(server.port));
    } finally {
      firstClient.disconnect();
    }
    const per = Math.ceil(SLOTS / this.primaries.length);
    const ids = new Map<TestValkey, string>();
    for (const [index, primary] of this.primaries.entries()) {
      const client = this.node(primary);
      try {
        const from = index * per;
        const to = Math.min(SLOTS, from + per) - 1;
        await client.call('CLUSTER', 'ADDSLOTSRANGE', String(from), String(to));
        ids.set(primary, String(await client.call('CLUSTER', 'MYID')));
      } finally {
        client.disconnect();
      }
    }
    // Replicas once every node knows every other (REPLICATE needs the primary's id known to the replica).
    await this.until(async () => {
      for (const server of this.servers) {
        const client = this.node(server);
        const known = String(await client.call('CLUSTER', 'NODES').catch(() => ''))
          .trim()
          .split('\n').length;
        client.disconnect();
        if (known < this.servers.length) return false;
      }
      return true;
    });
    for (const [index, replica] of this.replicas.entries()) {
      const primary = this.primaries[index % this.primaries.length];
      const client = this.node(replica);
      try {
        await client.call('CLUSTER', 'REPLICATE', ids.get(primary)!);
      } finally {
        client.disconnect();
      }
    }
    await this.waitHealthy();
    // Replicas in sync before the first test writes (a failover test must not lose what the primary held).
    if (this.replicas.length > 0) {
      await this.until(async () => {
        for (const replica of this.replicas) {
          const client = this.node(replica);
          const info = String(await client.info('replication').catch(() => ''));
          client.disconnect();
          if (!/master_link_status:up/.test(info)) return false;
        }
        return true;
      });
    }
  }

  private async until(check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('the test cluster did not form in time');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
