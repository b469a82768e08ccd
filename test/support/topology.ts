import type { Valkey } from 'iovalkey';
import { TestValkeyCluster } from './valkey-cluster.js';
import { TestValkey } from './valkey.js';

/**
 * Which Valkey the end-to-end suites run on: one server (default) or a local 3-primary cluster. Jest's `cluster`
 * project (jest.config.ts) runs the suites that use `startStore` again with SKEIN_TEST_TOPOLOGY=cluster.
 */
export const TOPOLOGY: 'standalone' | 'cluster' =
  process.env.SKEIN_TEST_TOPOLOGY === 'cluster' ? 'cluster' : 'standalone';

/** The Valkey of one test file, on the topology this run is for. */
export interface TestStore {
  readonly clustered: boolean;
  /** VALKEY_URL for a single server, '' on a cluster (its nodes are in `env`). */
  readonly url: string;
  /** What an app needs to use this store: `startTestApp(store.url, { ...store.env, ... })`. */
  readonly env: Record<string, string>;
  /** A client closed by `stop()` (a cluster client on a cluster: same command API). */
  client(): Valkey;
  stop(): Promise<void>;
}

export async function startStore(options: { appendOnly?: boolean } = {}): Promise<TestStore> {
  if (TOPOLOGY === 'cluster') {
    const cluster = await TestValkeyCluster.start({ appendOnly: options.appendOnly });
    return {
      clustered: true,
      url: '',
      env: cluster.env,
      client: () => cluster.client() as unknown as Valkey,
      stop: () => cluster.stop(),
    };
  }
  const valkey = await TestValkey.start({ appendOnly: options.appendOnly });
  return {
    clustered: false,
    url: valkey.url,
    env: {},
    client: () => valkey.client(),
    stop: () => valkey.stop(),
  };
}
