import type { Valkey } from 'iovalkey';
import { LuaScript } from '../valkey/lua-script.js';

const TAKE = LuaScript.from(new URL('./budget-take.lua', import.meta.url));
/** How far apart two takes' window ends may be and still be one window (clock reads around the round trips). */
const WINDOW_SLACK_MS = 1000;
/** Budgets held at most per replica; past it the table starts over (a fresh take per budget). */
const HELD_MAX = 10000;

interface Held {
  /** Requests taken from the shared count and not yet spent here. */
  left: number;
  /** When the window of what was taken ends. */
  until: number;
  /** The shared count had nothing left for this window. */
  spent: boolean;
  taking?: Promise<void>;
  /** The next block, being taken while this one is spent (a request waits for it only if this one ran out). */
  refilling?: Promise<void>;
}

/**
 * A per-credential budget of `points` requests per window, one count for every replica in Valkey, taken in blocks: a
 * replica takes up to `block` requests of the budget in one round trip and spends them locally, so most requests ask
 * Valkey nothing. The shared count never passes the budget; what a replica took and did not spend is lost at the
 * window's end (under `block` per replica, 1% of the budget at most). A budget under 200 is taken one request at a
 * time: exact, as a small budget must be.
 */
export class RequestBudget {
  private readonly held = new Map<string, Held>();
  readonly block: number;

  constructor(
    private readonly client: Valkey,
    private readonly prefix: string,
    readonly points: number,
    private readonly windowMs = 60000,
    block = Math.min(100, Math.max(1, Math.floor(points / 100))),
  ) {
    this.block = block;
  }

  /** Spends one request of `budget`: 0 when allowed, else how long until its window ends (ms). */
  async spend(budget: string): Promise<number> {
    for (;;) {
      const now = Date.now();
      let held = this.held.get(budget);
      if (held && held.until <= now && !held.taking) held = undefined;
      if (held && !held.taking) {
        if (held.left > 0) {
          held.left--;
          // Half the block spent: the next is taken now, in the background, so no request waits for a round trip
          // (which queued behind fan-out's scripts in a one-process replica and showed on the p99: bench/auth.ts).
          if (this.block > 1 && held.left < this.block / 2 && !held.spent && !held.refilling) this.refill(budget, held);
          return 0;
        }
        if (held.refilling) {
          await held.refilling;
          continue;
        }
        if (held.spent) return held.until - now;
      }
      if (held?.taking) {
        await held.taking;
        continue;
      }
      if (this.held.size >= HELD_MAX) this.held.clear();
      const taking: Held = { left: 0, until: now, spent: false };
      taking.taking = this.take(budget, taking).finally(() => (taking.taking = undefined));
      this.held.set(budget, taking);
      await taking.taking;
    }
  }

  /**
   * Takes the next block into `held` while it is still being spent. Within the same window the grant adds to what is
   * left; a grant of a new window (the old one ended meanwhile) replaces it, as what a replica took and did not spend is
   * lost at its window's end. A failed refill changes nothing: the block runs out and a request takes the next one.
   */
  private refill(budget: string, held: Held): void {
    held.refilling = TAKE.run(this.client, [`${this.prefix}:${budget}`], [this.block, this.points, this.windowMs])
      .then((reply) => {
        const [granted, ttl] = reply as [number, number];
        const until = Date.now() + (ttl > 0 ? ttl : this.windowMs);
        if (this.held.get(budget) !== held) return;
        if (until > held.until + WINDOW_SLACK_MS) {
          held.left = granted;
          held.until = until;
        } else held.left += granted;
        held.spent = granted === 0;
      })
      .catch(() => undefined)
      .finally(() => (held.refilling = undefined));
  }

  private async take(budget: string, into: Held): Promise<void> {
    try {
      const [granted, ttl] = (await TAKE.run(
        this.client,
        [`${this.prefix}:${budget}`],
        [this.block, this.points, this.windowMs],
      )) as [number, number];
      into.left = granted;
      into.spent = granted === 0;
      into.until = Date.now() + (ttl > 0 ? ttl : this.windowMs);
    } catch (error) {
      this.held.delete(budget);
      throw error;
    }
  }
}
