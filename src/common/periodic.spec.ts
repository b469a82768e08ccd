import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { periodic } from './periodic.js';

describe('periodic', () => {
  it('never runs the task twice at a time, and stop waits for the run in flight', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    let finished = 0;
    const timer = periodic(
      5,
      async () => {
        runs++;
        most = Math.max(most, ++active);
        await sleep(30);
        active--;
        finished++;
      },
      () => undefined,
      { immediately: true },
    );
    expect(runs).toBe(1); // the first run starts at once
    await sleep(100);
    await timer.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThan(1);
    expect(finished).toBe(runs);
    const atStop = runs;
    await sleep(30);
    expect(runs).toBe(atStop); // nothing ran after stop
  });

  it('hands a failed run to onError and keeps running', async () => {
    const errors: string[] = [];
    let runs = 0;
    const timer = periodic(
      5,
      () => Promise.reject(new Error(`run ${++runs}`)),
      (error) => errors.push(error.message),
    );
    await sleep(60);
    await timer.stop();
    expect(errors.length).toBeGreaterThan(1);
    expect(errors[0]).toBe('run 1');
  });
});
