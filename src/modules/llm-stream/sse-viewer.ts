import type { Request, Response } from 'express';
import { endPayload, type TerminalMessage } from './llm-message.js';
import type { ViewerSink } from './stream-viewer.js';

const KEEPALIVE_MS = 15000;

/**
 * A viewer on a Server-Sent Events response: the headers, a keep-alive comment, and a backlog that counts writes
 * queued since the socket filled. Subclasses say how tokens and the end are written.
 */
export abstract class EventStreamSink implements ViewerSink {
  readonly transport = 'sse' as const;
  private queued = 0;
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly req: Request,
    protected readonly res: Response,
    headers: Record<string, string> = {},
  ) {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.flushHeaders();
    res.on('drain', () => (this.queued = 0));
    this.keepalive = setInterval(() => this.write(': keep-alive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
    res.on('close', () => clearInterval(this.keepalive));
  }

  abstract token(index: number, content: string): void;
  abstract end(message: TerminalMessage): void;
  abstract drop(reason: string): void;

  /** Called once when the client goes away. */
  onClose(listener: () => void): void {
    if (this.res.closed || this.req.destroyed) listener();
    else this.res.on('close', listener);
  }

  backlog(): number {
    return this.queued;
  }

  drained(): Promise<void> {
    if (this.queued === 0 || this.res.writableEnded) return Promise.resolve();
    return new Promise((done) => {
      const settle = (): void => {
        this.res.off('drain', settle);
        this.res.off('close', settle);
        done();
      };
      this.res.once('drain', settle);
      this.res.once('close', settle);
    });
  }

  protected write(chunk: string): void {
    if (this.res.writableEnded || this.req.destroyed) return;
    if (!this.res.write(chunk) || this.queued > 0) this.queued++;
  }

  protected finish(): void {
    clearInterval(this.keepalive);
    if (!this.res.writableEnded) this.res.end();
  }
}

/**
 * `GET /llm/streams/{id}/events`: `event: token` with `id:` the token index (so `Last-Event-ID` resumes), then
 * `event: end` (its `id:` the token count), then the response ends.
 */
export class SseViewerSink extends EventStreamSink {
  token(index: number, content: string): void {
    this.write(`event: token\nid: ${index}\ndata: ${JSON.stringify({ index, content })}\n\n`);
  }

  /** `id:` total_tokens (past the last token index), so a client reconnecting after the end gets 204 and stops. */
  end(message: TerminalMessage): void {
    const end = endPayload(message);
    this.write(`event: end\nid: ${end.total_tokens}\ndata: ${JSON.stringify(end)}\n\n`);
    this.finish();
  }

  drop(reason: string): void {
    this.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.finish();
  }
}
