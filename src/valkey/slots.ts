import calculateSlot from 'cluster-key-slot';
import type { Valkey } from 'iovalkey';

/** The hash slot of a key on a Valkey Cluster (CRC16 of its hash tag, or of the whole key, mod 16384). */
export function slotOf(key: string): number {
  return calculateSlot(key);
}

/**
 * `items` grouped by the hash slot of their key, in first-seen order: work that spans users or entities is sent as one
 * script call per slot on a cluster. Unclustered, everything is one group (one call, as on a single server).
 */
export function groupBySlot<T>(items: Iterable<T>, keyOf: (item: T) => string, clustered: boolean): T[][] {
  if (!clustered) {
    const all = [...items];
    return all.length === 0 ? [] : [all];
  }
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const slot = slotOf(keyOf(item));
    const group = groups.get(slot);
    if (group) group.push(item);
    else groups.set(slot, [item]);
  }
  return [...groups.values()];
}

/**
 * A key that lives in the same slot as `key`: `name` followed by `key`'s hash tag (or the whole key, when it has none)
 * in braces. `sameSlot('news_raw', 'accepted:')` is `accepted:{news_raw}`, which a script may touch with `news_raw`.
 */
export function sameSlot(key: string, name: string): string {
  return `${name}{${hashTag(key)}}`;
}

/** What a cluster hashes of `key`: the text of its first non-empty `{…}`, or the whole key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

/**
 * The connection that serves `key` now: the client itself on a single server; on a cluster, the cluster client's
 * connection to the node that owns `key`'s slot, or undefined while the slot map is not known. For commands that act
 * on a connection rather than a key (CLIENT ID of a blocking reader, then CLIENT UNBLOCK on that same node).
 */
export function nodeOf(client: Valkey, key: string): Valkey | undefined {
  const cluster = client as unknown as ClusterInternals;
  if (!cluster.isCluster) return client;
  const owner = cluster.slots?.[slotOf(key)]?.[0];
  return owner === undefined ? undefined : (cluster.connectionPool?.getInstanceByKey(owner) ?? undefined);
}

/** What `nodeOf` reads of iovalkey's Cluster: its slot map and per-node connections (not in its typings). */
interface ClusterInternals {
  isCluster?: boolean;
  slots?: (string[] | undefined)[];
  connectionPool?: { getInstanceByKey(key: string): Valkey | undefined };
}
