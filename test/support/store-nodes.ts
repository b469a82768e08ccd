import type { Cluster, Valkey } from 'iovalkey';

/**
 * Server-wide commands for a test's client on either topology (test/support/topology.ts): a cluster client sends a
 * command without a key to one node, so FLUSHALL, SCRIPT FLUSH and KEYS go to every primary here.
 */
export async function primaries(client: Valkey): Promise<Valkey[]> {
  const cluster = client as unknown as Cluster;
  if (!cluster.isCluster) return [client];
  // The node list is known once the client has loaded the slot map.
  if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
  return cluster.nodes('master');
}

/** FLUSHALL on every primary. */
export async function flushAll(client: Valkey): Promise<void> {
  await Promise.all((await primaries(client)).map((node) => node.flushall()));
}

/** SCRIPT FLUSH on every primary (as after a restart that lost the script cache). */
export async function flushScripts(client: Valkey): Promise<void> {
  await Promise.all((await primaries(client)).map((node) => node.script('FLUSH')));
}

/** KEYS `pattern` over every primary. */
export async function keysMatching(client: Valkey, pattern: string): Promise<string[]> {
  return (await Promise.all((await primaries(client)).map((node) => node.keys(pattern)))).flat();
}

/** How many of `keys` exist (one EXISTS per key: keys of several slots cannot share one on a cluster). */
export async function existing(client: Valkey, keys: string[]): Promise<number> {
  return (await Promise.all(keys.map((key) => client.exists(key)))).reduce((sum, n) => sum + n, 0);
}

/** INFO `section` of the server holding `key` (on a cluster, its slot's primary: asked through a script on it). */
export async function infoOf(client: Valkey, key: string, section: string): Promise<string> {
  return (await client.eval(`return redis.call('INFO', '${section}')`, 1, key)) as string;
}
