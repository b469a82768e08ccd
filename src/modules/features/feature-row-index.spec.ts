import { describe, expect, it } from '@jest/globals';
import { slotOf } from '../../valkey/slots.js';
import { slotTag } from './feature-row-index.js';

describe('slotTag', () => {
  it('names every one of the 16384 slots with a short tag that hashes to it', () => {
    const tags = new Set<string>();
    for (let slot = 0; slot < 16384; slot++) {
      const tag = slotTag(slot);
      expect(slotOf(`fs:index:v:{${tag}}`)).toBe(slot);
      expect(tag.length).toBeLessThanOrEqual(4);
      tags.add(tag);
    }
    expect(tags.size).toBe(16384);
  });

  it('gives a row and its per-slot index one slot, whatever the entity id holds', () => {
    for (const id of ['u1', 'user_001', 'a:b', '{x}y', 'q"\\ é😀']) {
      const row = `p:fs:v1:view:${id}`;
      expect(slotOf(`p:fs:index:view:{${slotTag(slotOf(row))}}`)).toBe(slotOf(row));
    }
  });
});
