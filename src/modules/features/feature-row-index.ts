import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LuaScript } from '../../valkey/lua-script.js';
import { execIdempotent } from '../../valkey/pipeline.js';
import { slotOf } from '../../valkey/slots.js';
import { ValkeyService } from '../../valkey/valkey.service.js';

const PRUNE = LuaScript.from(new URL('./prune-index.lua', import.meta.url));
const PURGE_SLOT = LuaScript.from(new URL('./purge-slot.lua', import.meta.url));
/** Entity ids read (SSCAN COUNT) and checked per script call. */
const PRUNE_CHUNK = 500;
/** Per-slot indexes of a view worked on at once on a cluster (pruned, or purged one chunk each per round). */
const SLOTS_AT_ONCE = 256;
const SLOTS = 16384;

let tags: string[] | undefined;

/**
 * A short hash tag for each of a cluster's 16384 slots: the first base-36 number that hashes to it (found once, ~90k
 * CRC16s). Deterministic, so every replica names a slot's index alike.
 */
export function slotTag(slot: number): string {
  if (!tags) {
    const table = new Array<string>(SLOTS);
    for (let n = 0, found = 0; found < SLOTS; n++) {
      const tag = n.toString(36);
      const at = slotOf(tag);
      if (table[at] === undefined) {
        table[at] = tag;
        found++;
      }
    }
    tags = table;
  }
  return tags[slot];
}

/**
 * The per-view index of materialized entities, which lets a view's rows be deleted without a keyspace scan. Rows
 * expire by their view's TTL and the index does not, so it is pruned on a schedule.
 *
 * Standalone it is one set, `fs:index:{view}`. On a cluster a row key hashes on itself, so a view's rows spread over
 * every slot: the index is one set per slot, `fs:index:{view}:{tag}`, in its rows' slot, so a row and its index entry
 * are still written (materialize.lua), pruned (prune-index.lua) and purged (purge-slot.lua) in one step; the set
 * `fs:index_slots:{view}` lists the tags of the slots a view has used (at most 16384), added before the rows.
 */
@Injectable()
export class FeatureRowIndex {
  private readonly token = randomBytes(8).toString('hex');

  constructor(private readonly valkey: ValkeyService) {
    if (valkey.clustered) slotTag(0); // the table is built at boot, not inside the first batch
  }

  /** The index set for rows in the slot of `rowKey` (the view's one set when not clustered). */
  indexFor(view: string, rowKey: string): string {
    const keys = this.valkey.keys;
    return this.valkey.clustered
      ? keys.featureViewSlotIndex(view, slotTag(slotOf(rowKey)))
      : keys.featureViewIndex(view);
  }

  /**
   * On a cluster, lists the slots of `rowKeys` in the view's slot list, before their rows are written (so a row is
   * never in an index no purge would find, even if its writer stops between the two steps); idempotent. Nothing to
   * do when not clustered (the one index set is known by name).
   */
  async listSlots(view: string, rowKeys: string[]): Promise<void> {
    if (!this.valkey.clustered || rowKeys.length === 0) return;
    const slotTags = new Set(rowKeys.map((key) => slotTag(slotOf(key))));
    await this.valkey.command.sadd(this.valkey.keys.featureViewIndexSlots(view), ...slotTags);
  }

  /** The tags of the slots a view has an index in (cluster only). */
  private async slotTags(view: string): Promise<string[]> {
    return this.valkey.command.smembers(this.valkey.keys.featureViewIndexSlots(view));
  }

  /**
   * Removes the entities whose row expired from the index of each view; one replica a round (the others find the
   * lock held until `intervalMs` has passed). Answers the entities removed, or undefined when another replica prunes.
   */
  async prune(views: Iterable<string>, intervalMs: number): Promise<number | undefined> {
    const keys = this.valkey.keys;
    const client = this.valkey.command;
    const locked = await client.set(keys.featureIndexPruneLock, this.token, 'PX', intervalMs, 'NX');
    if (locked === null) return undefined;
    let removed = 0;
    for (const view of views) {
      const head = keys.featureRow(view, '');
      const indexes = this.valkey.clustered
        ? (await this.slotTags(view)).map((tag) => keys.featureViewSlotIndex(view, tag))
        : [keys.featureViewIndex(view)];
      for (let at = 0; at < indexes.length; at += SLOTS_AT_ONCE) {
        const counts = await Promise.all(
          indexes.slice(at, at + SLOTS_AT_ONCE).map((index) => this.pruneOne(index, head)),
        );
        removed += counts.reduce((sum, count) => sum + count, 0);
      }
    }
    return removed;
  }

  private async pruneOne(index: string, head: string): Promise<number> {
    const client = this.valkey.command;
    let removed = 0;
    let cursor = '0';
    do {
      const [next, ids] = await client.sscan(index, cursor, 'COUNT', PRUNE_CHUNK);
      cursor = next;
      if (ids.length > 0) removed += Number(await PRUNE.run(client, [index], [head, ...ids]));
    } while (cursor !== '0');
    return removed;
  }

  /**
   * Cluster only: removes up to `chunk` rows from each per-slot index of a view (and the rows), one script call per
   * slot, all slots of a round pipelined; answers the rows removed and whether the view has no per-slot index left.
   * The caller checks that the view is not registered before each round.
   *
   * A slot whose index is empty leaves the slot list; then its index is looked at again and the slot listed again if
   * rows arrived meanwhile. With the materializer listing a slot before and after writing its rows, a late row is
   * always in a listed slot: written before that second look, the look finds it; written after, the writer's second
   * listing comes after the removal.
   */
  async purgeSlots(view: string, chunk: number): Promise<{ removed: number; done: boolean }> {
    const keys = this.valkey.keys;
    const client = this.valkey.command;
    const slots = keys.featureViewIndexSlots(view);
    const head = keys.featureRow(view, '');
    const all = await this.slotTags(view);
    if (all.length === 0) return { removed: 0, done: true };
    const batch = all.slice(0, SLOTS_AT_ONCE);
    const indexes = batch.map((tag) => keys.featureViewSlotIndex(view, tag));
    const replies = (await execIdempotent(client, [PURGE_SLOT], (pipeline) => {
      for (const index of indexes) PURGE_SLOT.queue(pipeline, [index], [head, chunk]);
    })) as [number, number][];
    let removed = 0;
    const emptied: number[] = [];
    replies.forEach(([rows, left], i) => {
      removed += Number(rows);
      if (Number(left) === 0) emptied.push(i);
    });
    if (emptied.length > 0) {
      await client.srem(slots, ...emptied.map((i) => batch[i]));
      const check = client.pipeline();
      for (const i of emptied) check.exists(indexes[i]);
      const refilled = ((await check.exec()) ?? []).flatMap(([error, exists], n) => {
        if (error) throw error;
        return Number(exists) > 0 ? [batch[emptied[n]]] : [];
      });
      if (refilled.length > 0) await client.sadd(slots, ...refilled);
    }
    return { removed, done: false };
  }
}
