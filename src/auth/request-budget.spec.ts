import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { TestValkey } from '../../test/support/valkey.js';
import { RequestBudget } from './request-budget.js';

describe('RequestBudget', () => {
  let server: TestValkey;
  let client: Valkey;

  beforeAll(async () => {
    server = await TestValkey.start();
    client = server.client();
  });

  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('lets exactly the budget through across two replicas sharing it, then refuses until the window ends', async () => {
    const a = new RequestBudget(client, 'exact', 30);
    const b = new RequestBudget(client, 'exact', 30);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).spend('key:k')));
    expect(answers.filter((ms) => ms === 0)).toHaveLength(30);
    const refused = answers.filter((ms) => ms > 0);
    expect(refused).toHaveLength(20);
    expect(Math.max(...refused)).toBeLessThanOrEqual(60000);
    expect(await client.get('exact:key:k')).toBe('30');
  });

  it('takes a large budget in blocks: most requests ask Valkey nothing, and the count never passes the budget', async () => {
    const a = new RequestBudget(client, 'blocks', 1000);
    const b = new RequestBudget(client, 'blocks', 1000);
    expect(a.block).toBe(10);
    const answers = await Promise.all(Array.from({ length: 1200 }, (_, i) => (i % 2 ? a : b).spend('key:k')));
    const allowed = answers.filter((ms) => ms === 0).length;
    // What a replica took and did not spend is lost to the window: under one block per replica.
    expect(allowed).toBeGreaterThan(1000 - 2 * a.block);
    expect(allowed).toBeLessThanOrEqual(1000);
    expect(Number(await client.get('blocks:key:k'))).toBeLessThanOrEqual(1000);
  });

  it('takes the next block once half of one is spent, so a steady caller never waits for Valkey', async () => {
    const budget = new RequestBudget(client, 'ahead', 1000); // blocks of 10
    for (let i = 0; i < 6; i++) expect(await budget.spend('key:k')).toBe(0); // 4 left: the next block is taken now
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await client.get('ahead:key:k')).toBe('20');
    const paused = server.client();
    try {
      // Valkey answers nobody for 1.5 s: the 14 requests left of the two blocks are all answered meanwhile.
      await paused.client('PAUSE', 1500, 'ALL');
      const answers = await Promise.race([
        Promise.all(Array.from({ length: 14 }, () => budget.spend('key:k'))),
        new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 300)),
      ]);
      expect(answers).toEqual(Array.from({ length: 14 }, () => 0));
    } finally {
      await paused.client('UNPAUSE');
      paused.disconnect();
    }
  });

  it('gives each credential its own budget', async () => {
    const budget = new RequestBudget(client, 'own', 2);
    expect(await budget.spend('key:x')).toBe(0);
    expect(await budget.spend('key:x')).toBe(0);
    expect(await budget.spend('key:x')).toBeGreaterThan(0);
    expect(await budget.spend('key:y')).toBe(0);
  });
});
