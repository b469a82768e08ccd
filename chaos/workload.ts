// What the chaos and soak suites ask of Skein over REST, as clients do: they retry a request whose outcome they did
// not get (5xx, a reset connection) with the same id, and record only what was answered as accepted.
import { TOPICS } from '../src/news/topics.js';
import { http, sleep, type HttpResult } from './cluster.js';

const TOPIC_TEXT = [
  'The central bank raised interest rates and bond yields climbed',
  'The striker scored twice as the team won the league match',
  'Researchers published a study on a new vaccine for children',
  'Parliament voted on the election reform bill after a long debate',
  'The startup released a new chip for artificial intelligence software',
  'Record heat and floods were linked to climate change by scientists',
  'The film won the festival award and the singer announced a tour',
  'Universities expanded scholarships for students and teachers',
];

/** Answers seen from the app, by status (0 = no answer), and the 5xx among them. */
export class StatusCounts {
  readonly byStatus: Record<string, number> = {};
  record(result: HttpResult<unknown>): void {
    this.byStatus[result.status] = (this.byStatus[result.status] ?? 0) + 1;
  }
  get serverErrors(): number {
    return Object.entries(this.byStatus)
      .filter(([status]) => Number(status) >= 500)
      .reduce((sum, [, n]) => sum + n, 0);
  }
}

/** Sends until an answer in `ok` arrives (retrying the same request after Retry-After or 200 ms) or `deadline`. */
async function untilAnswered<T>(
  send: () => Promise<HttpResult<T>>,
  ok: (status: number) => boolean,
  statuses: StatusCounts,
  deadline: number,
): Promise<HttpResult<T> | undefined> {
  while (Date.now() < deadline) {
    const result = await send();
    statuses.record(result);
    if (ok(result.status)) return result;
    if (result.status >= 400 && result.status < 500 && result.status !== 429) return result; // our bug: not retried
    await sleep(Math.min(result.retryAfterMs ?? 200, 1000));
  }
  return undefined;
}

export interface Accepted {
  id: string;
  /** When the 202 arrived (ms epoch). */
  at: number;
}

/** Followers: users following every topic, and users following one topic. */
export const FULL_FOLLOWERS = ['chaos-f1', 'chaos-f2', 'chaos-f3', 'chaos-f4', 'chaos-f5'];
export const TOPIC_FOLLOWERS: Record<string, string> = { 'chaos-sports': 'sports', 'chaos-business': 'business' };

export async function setUpFollowers(api: string): Promise<void> {
  const statuses = new StatusCounts();
  const deadline = Date.now() + 30000;
  const set = async (uid: string, topics: readonly string[]): Promise<void> => {
    const put = await untilAnswered(
      () => http(`${api}/users/${uid}/topics`, { method: 'PUT', body: { topics } }),
      (s) => s === 200,
      statuses,
      deadline,
    );
    if (put?.status !== 200) throw new Error(`PUT /users/${uid}/topics answered ${put?.status}`);
    // A feed read marks the user active: fan-out on write reaches them from now on.
    await untilAnswered(
      () => http(`${api}/users/${uid}/feed?limit=1`),
      (s) => s === 200,
      statuses,
      deadline,
    );
  };
  for (const uid of FULL_FOLLOWERS) await set(uid, TOPICS);
  for (const [uid, topic] of Object.entries(TOPIC_FOLLOWERS)) await set(uid, [topic]);
}

/** Articles over POST /articles (and one in ten requests over /articles/batch, 5 at a time) at about `rate` per s. */
export class ArticleLoad {
  readonly accepted = new Map<string, number>();
  /** Ids sent at least once but never answered 202 (an unknown outcome: such an article may still be delivered). */
  readonly unanswered = new Set<string>();
  readonly statuses = new StatusCounts();
  readonly latencies: number[] = [];
  private next = 0;

  constructor(
    private readonly api: string,
    private readonly prefix: string,
  ) {}

  private article(i: number): { id: string; title: string; body: string } {
    const text = TOPIC_TEXT[i % TOPIC_TEXT.length];
    return {
      id: `${this.prefix}-${i}`,
      title: `${text} (${this.prefix} ${i})`,
      body: `${text}. Reporters followed up on item ${i} the same day.`,
    };
  }

  /** Runs until `count` articles were sent (or `stop()` says so); each batch of the pacing loop is `concurrency`. */
  async run(opts: { count: number; rate: number; concurrency: number; stop?: () => boolean }): Promise<void> {
    const started = Date.now();
    const worker = async (): Promise<void> => {
      while (this.next < opts.count && !opts.stop?.()) {
        const batch = this.next % 10 === 9 ? Math.min(5, opts.count - this.next) : 1;
        const first = this.next;
        this.next += batch;
        // Pace: article `first` is due at started + first / rate.
        const due = started + (first / opts.rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        const articles = Array.from({ length: batch }, (_, k) => this.article(first + k));
        for (const a of articles) this.unanswered.add(a.id);
        const t0 = performance.now();
        const result = await untilAnswered(
          () =>
            batch === 1
              ? http(`${this.api}/articles`, { body: articles[0] })
              : http(`${this.api}/articles/batch`, { body: { articles } }),
          (s) => s === 202,
          this.statuses,
          Date.now() + 120000,
        );
        if (result?.status === 202) {
          this.latencies.push(performance.now() - t0);
          for (const a of articles) {
            this.accepted.set(a.id, Date.now());
            this.unanswered.delete(a.id);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  }
}

export const FEATURE_VIEW = 'chaos_profile';

/** Feature pushes: each entity's `n` grows with its event time; the newest answered push is what a read must show. */
export class FeatureLoad {
  /** Per entity, the newest value whose push was answered 202. */
  readonly newest = new Map<string, number>();
  readonly statuses = new StatusCounts();
  private seq = 0;
  readonly base = Math.floor(Date.now() / 1000) - 3600;

  constructor(
    private readonly api: string,
    readonly entities: string[],
  ) {}

  async register(): Promise<void> {
    const deadline = Date.now() + 30000;
    const ok = (s: number): boolean => s === 201 || s === 409;
    await untilAnswered(
      () => http(`${this.api}/features/entities`, { body: { name: 'chaos_user', join_keys: ['user_id'] } }),
      ok,
      this.statuses,
      deadline,
    );
    const view = {
      name: FEATURE_VIEW,
      entity: 'chaos_user',
      ttl_seconds: 86400 * 30,
      features: [
        { name: 'n', type: 'INT' },
        { name: 'tier', type: 'STRING' },
      ],
    };
    await untilAnswered(() => http(`${this.api}/features/views`, { body: view }), ok, this.statuses, deadline);
  }

  /** One push of the next value for `entity`; the event time grows by one second per push. */
  async push(entity: string): Promise<boolean> {
    const n = ++this.seq;
    const row = { entity_id: entity, features: { n, tier: `t${n}` }, event_timestamp: this.base + n };
    const result = await untilAnswered(
      () => http(`${this.api}/features/push`, { body: { feature_view: FEATURE_VIEW, rows: [row] } }),
      (s) => s === 202,
      this.statuses,
      Date.now() + 60000,
    );
    if (result?.status !== 202) return false;
    this.newest.set(entity, Math.max(this.newest.get(entity) ?? 0, n));
    return true;
  }

  async run(opts: { rate: number; stop: () => boolean }): Promise<void> {
    let i = 0;
    while (!opts.stop()) {
      await this.push(this.entities[i++ % this.entities.length]);
      await sleep(1000 / opts.rate);
    }
  }

  /** A last push per entity, answered 202: a push left unanswered earlier may have been written with a newer value. */
  async finish(): Promise<void> {
    for (const entity of this.entities) {
      if (!(await this.push(entity))) throw new Error(`the final push for ${entity} was never accepted`);
    }
  }
}

export interface LlmRequest {
  id: string;
  prompt: string;
  maxTokens: number;
}

/** Starts a token stream and retries until the app answers it created (a 409 after an unanswered try: it was). */
export async function startLlmStream(api: string, request: LlmRequest, statuses: StatusCounts): Promise<boolean> {
  let tried = false;
  const result = await untilAnswered(
    async () => {
      const r = await http(`${api}/llm/streams`, {
        body: { id: request.id, prompt: request.prompt, max_tokens: request.maxTokens, provider: 'simulated' },
      });
      const unknown = tried && r.status === 409;
      tried = true;
      return unknown ? { ...r, status: 201 } : r;
    },
    (s) => s === 201 || s === 202,
    statuses,
    Date.now() + 60000,
  );
  return result !== undefined && (result.status === 201 || result.status === 202);
}
