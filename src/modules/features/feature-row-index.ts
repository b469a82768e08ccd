import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { LuaScript } from '../../valkey/lua-script.js';
import { ValkeyService } from '../../valkey/valkey.service.js';

const PRUNE = LuaScript.from(new URL('./prune-index.lua', import.meta.url));
/** Entity ids read (SSCAN COUNT) and checked per script call. */
const PRUNE_CHUNK = 500;

/**
 * The per-view index of materialized entities (`fs:index:{view}`), which lets a view's rows be deleted without a
 * keyspace scan. Rows expire by their view's TTL and the index does not, so it is pruned on a schedule.
 */
@Injectable()
export class FeatureRowIndex {
  private readonly token = randomBytes(8).toString('hex');

  constructor(private readonly valkey: ValkeyService) {}

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
      const index = keys.featureViewIndex(view);
      const head = keys.featureRow(view, '');
      let cursor = '0';
      do {
        const [next, ids] = await client.sscan(index, cursor, 'COUNT', PRUNE_CHUNK);
        cursor = next;
        if (ids.length > 0) removed += Number(await PRUNE.run(client, [index], [head, ...ids]));
      } while (cursor !== '0');
    }
    return removed;
  }
}
