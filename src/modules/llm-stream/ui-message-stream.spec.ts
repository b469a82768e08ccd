import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, type UIMessageChunk } from 'ai';
import type { Request, Response } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TerminalMessage } from './llm-message.js';
import { UiMessageStreamSink } from './ui-message-stream.js';

// Each ending of a stream, written by the sink and read back with the ai package's own parser and schema.
const ENDINGS: Record<string, (sink: UiMessageStreamSink) => void> = {
  done: (sink) => sink.end(terminal({ type: 'end' })),
  length: (sink) => sink.end(terminal({ type: 'end', reason: 'length' })),
  cancelled: (sink) => sink.end(terminal({ type: 'end', reason: 'cancelled' })),
  error: (sink) => sink.end(terminal({ type: 'error', message: 'openai upstream failed' })),
  slow: (sink) => sink.drop('slow_viewer'),
};

function terminal(fields: Partial<TerminalMessage>): TerminalMessage {
  return { request_id: 's-1', total_tokens: 2, timestamp: 0, ...fields } as TerminalMessage;
}

describe('UiMessageStreamSink', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      // The sink's one Express call on the response; the rest is Node's.
      const express = Object.assign(res, { status: (code: number) => ((res.statusCode = code), express) });
      const sink = new UiMessageStreamSink(req as Request, express as unknown as Response, 's-1');
      sink.token(0, 'Hello');
      sink.token(1, ' there');
      ENDINGS[(req.url ?? '').slice(1)](sink);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  async function read(ending: string) {
    const res = await fetch(`${url}/${ending}`);
    const [raw, parsed] = (res.body as ReadableStream<Uint8Array>).tee();
    const chunks: UIMessageChunk[] = [];
    for await (const result of parseJsonEventStream({ stream: parsed, schema: uiMessageChunkSchema })) {
      if (!result.success) throw result.error;
      chunks.push(result.value);
    }
    return { res, chunks, text: await new Response(raw).text() };
  }

  it.each([
    ['done', [{ type: 'finish', finishReason: 'stop' }]],
    ['length', [{ type: 'finish', finishReason: 'length' }]],
    [
      'cancelled',
      [
        { type: 'abort', reason: 'cancelled' },
        { type: 'finish', finishReason: 'other' },
      ],
    ],
    [
      'error',
      [
        { type: 'error', errorText: 'openai upstream failed' },
        { type: 'finish', finishReason: 'error' },
      ],
    ],
    [
      'slow',
      [
        { type: 'error', errorText: 'slow_viewer' },
        { type: 'finish', finishReason: 'error' },
      ],
    ],
  ])('%s: parts that the ai package accepts, ending as the protocol says, then [DONE]', async (ending, tail) => {
    const { res, chunks, text } = await read(ending);
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(chunks).toEqual([
      { type: 'start', messageId: 's-1' },
      { type: 'text-start', id: 'text' },
      { type: 'text-delta', id: 'text', delta: 'Hello' },
      { type: 'text-delta', id: 'text', delta: ' there' },
      { type: 'text-end', id: 'text' },
      ...tail,
    ]);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('a dropped viewer keeps the text so far and the reader reports the reason as an error', async () => {
    const { chunks } = await read('slow');
    const errors: string[] = [];
    let last: string | undefined;
    const stream = new ReadableStream<UIMessageChunk>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    for await (const message of readUIMessageStream({ stream, onError: (e) => errors.push((e as Error).message) })) {
      last = message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
    }
    expect(last).toBe('Hello there');
    expect(errors).toEqual(['slow_viewer']);
  });
});
