import type { Cluster, Valkey } from 'iovalkey';
import { slotTag } from '../../src/modules/features/feature-row-index.js';
import { slotOf } from '../../src/valkey/slots.js';

/**
 * What the feature-store suites read of Valkey, alike on a single server and on a cluster (where a client refuses
 * multi-key commands across slots and a view's index is one set per slot).
 */

/** How many of `keys` exist: one EXISTS per key (the keys of a cluster are in many slots). */
export async function existing(client: Valkey, ...keys: string[]): Promise<number> {
  const counts = await Promise.all(keys.map((key) => client.exists(key)));
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Removes `keys`, one UNLINK per key. */
export async function unlinkAll(client: Valkey, ...keys: string[]): Promise<void> {
  await Promise.all(keys.map((key) => client.unlink(key)));
}

/** HMGET of each key, one command per key (a cluster client's pipeline refuses keys of several nodes). */
export function hmgetEach(client: Valkey, keys: string[], ...fields: string[]): Promise<(string | null)[][]> {
  return Promise.all(keys.map((key) => client.hmget(key, ...fields)));
}

/** The servers a script cache lives on: the server, or every primary of a cluster. */
function primaries(client: Valkey, clustered: boolean): Valkey[] {
  return clustered ? (client as unknown as Cluster).nodes('master') : [client];
}

/** SCRIPT FLUSH on every primary. */
export async function flushScripts(client: Valkey, clustered: boolean): Promise<void> {
  await Promise.all(primaries(client, clustered).map((server) => server.script('FLUSH')));
}

/** The index set that lists `entityId` of `view`: `fs:index:{view}`, or on a cluster that of the row's slot. */
export function indexKeyOf(view: string, entityId: string, clustered: boolean, prefix = ''): string {
  if (!clustered) return `${prefix}fs:index:${view}`;
  return `${prefix}fs:index:${view}:{${slotTag(slotOf(`${prefix}fs:v1:${view}:${entityId}`))}}`;
}

/** Every index key of a view that exists now (on a cluster: the per-slot sets its slot list names, and the list). */
export async function indexKeys(client: Valkey, view: string, clustered: boolean, prefix = ''): Promise<string[]> {
  if (!clustered) return [`${prefix}fs:index:${view}`];
  const tags = await client.smembers(`${prefix}fs:index_slots:${view}`);
  return [`${prefix}fs:index_slots:${view}`, ...tags.map((tag) => `${prefix}fs:index:${view}:{${tag}}`)];
}

/** The entity ids in a view's index. */
export async function indexed(client: Valkey, view: string, clustered: boolean, prefix = ''): Promise<string[]> {
  if (!clustered) return client.smembers(`${prefix}fs:index:${view}`);
  const tags = await client.smembers(`${prefix}fs:index_slots:${view}`);
  const sets = await Promise.all(tags.map((tag) => client.smembers(`${prefix}fs:index:${view}:{${tag}}`)));
  return sets.flat();
}

/** Whether `entityId` is in its view's index. */
export async function isIndexed(client: Valkey, view: string, entityId: string, clustered: boolean): Promise<boolean> {
  return (await client.sismember(indexKeyOf(view, entityId, clustered), entityId)) === 1;
}

/** Every key of a view's data left on any primary: rows, stream, index sets (KEYS: test data is small). */
export async function viewKeys(client: Valkey, view: string, clustered: boolean): Promise<string[]> {
  const patterns = [
    `fs:v1:${view}:*`,
    `fs:stream:${view}`,
    `fs:index:${view}`,
    `fs:index:${view}:*`,
    `fs:index_slots:${view}`,
  ];
  const found = await Promise.all(
    primaries(client, clustered).flatMap((server) => patterns.map((pattern) => server.keys(pattern))),
  );
  return found.flat().sort();
}
