import { endPayload, type TerminalMessage, type ViewerEnd } from './llm-message.js';
import type { ViewerSink } from './stream-viewer.js';

/** How long a read that got its first live token lingers for the next ones, so a reader is not paid one per call. */
const LINGER_MS = 100;

export interface TokenRead {
  tokens: { index: number; content: string }[];
  ended?: ViewerEnd;
}

/**
 * A viewer that lasts one request (MCP `read_generation`): it keeps up to `limit` tokens and the end, and `settled`
 * returns once it holds something — at once for what the log already held, else shortly after the first live
 * arrival — or at the deadline, whichever is first.
 */
export class TokenBatch implements ViewerSink {
  readonly transport = 'mcp' as const;
  private readonly tokens: { index: number; content: string }[] = [];
  private ended?: ViewerEnd;
  private dropped?: string;
  private wake?: () => void;

  constructor(private readonly limit: number) {}

  private get complete(): boolean {
    return this.tokens.length >= this.limit || this.ended !== undefined || this.dropped !== undefined;
  }

  backlog(): number {
    return 0;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  token(index: number, content: string): void {
    if (this.complete) return;
    this.tokens.push({ index, content });
    this.wake?.();
  }

  end(message: TerminalMessage): void {
    if (this.tokens.length < this.limit) this.ended = endPayload(message);
    this.wake?.();
  }

  drop(reason: string): void {
    this.dropped = reason;
    this.wake?.();
  }

  /** What the viewer delivered by the time it had something, or by `deadline` (epoch ms), or until `signal` aborts. */
  async settled(deadline: number, signal?: AbortSignal): Promise<TokenRead> {
    if (this.tokens.length === 0 && !this.complete) await this.until(() => this.tokens.length > 0, deadline, signal);
    if (!this.complete) await this.until(() => this.complete, Math.min(deadline, Date.now() + LINGER_MS), signal);
    if (this.dropped !== undefined && this.tokens.length === 0) throw new Error(this.dropped);
    return { tokens: [...this.tokens], ...(this.ended ? { ended: this.ended } : {}) };
  }

  private until(done: () => boolean, deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
      signal?.addEventListener('abort', finish);
      this.wake = () => {
        if (done() || this.complete) finish();
      };
      if (done() || this.complete || signal?.aborted) finish();
    });
  }
}
