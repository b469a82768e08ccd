import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { asDto, mcpTool, McpTools, type McpResource, type McpTool, type McpToolSource } from '../../mcp/mcp-tool.js';
import { CreateStreamDto, JoinStreamDto } from './llm-stream.dto.js';
import { LlmStreamService } from './llm-stream.service.js';
import { PROVIDERS } from './providers/token-provider.js';

/** Longest a read_generation call waits for a new token. */
export const MAX_WAIT_MS = 30000;
const DEFAULT_WAIT_MS = 10000;
/** Tokens one read_generation call returns at most; `next` continues. */
const READ_LIMIT = 1000;

const end = z.object({
  total_tokens: z.number(),
  reason: z.string().optional().describe('length, cancelled or error; absent when the model finished'),
  message: z.string().optional(),
});

/** Least time between two update notifications of one subscribed stream: the tokens between coalesce into one. */
const NOTIFY_GAP_MS = 100;

/**
 * The MCP twins of `POST /llm/streams` and of reading a stream (`GET /llm/streams/{id}/events`), and the resource
 * `skein://llm/streams/{id}` (the twin of `GET /llm/streams/{id}`).
 */
@Injectable()
@McpTools()
export class LlmStreamTools implements McpToolSource {
  constructor(private readonly streams: LlmStreamService) {}

  resources(): McpResource[] {
    return [
      {
        name: 'token_stream',
        title: 'A token stream',
        description:
          "A generation's status and text so far (as GET /llm/streams/{id}): needs the stream's viewer token or an API " +
          'key with scope llm. Subscribe (in a session) for notifications/resources/updated on new tokens and on its end.',
        uriTemplate: 'skein://llm/streams/{id}',
        access: (vars) => ({ rule: { kind: 'stream', param: 'id' }, params: { id: vars.id ?? '' } }),
        read: async (vars) => this.streams.status((await asDto(JoinStreamDto, { id: vars.id }, 'body')).id),
        watch: (vars, changed, signal) => this.watchStream(vars.id ?? '', changed, signal),
      },
    ];
  }

  /** Reads the stream as a viewer from its current length, one notification per batch of tokens, up to its end. */
  private async watchStream(id: string, changed: () => void, signal: AbortSignal): Promise<void> {
    const now = await this.streams.status(id);
    // An ended stream changes no more.
    if (['done', 'cancelled', 'error'].includes(now.status)) return;
    let from = now.tokens;
    while (!signal.aborted) {
      const read = await this.streams.read(id, from, MAX_WAIT_MS, READ_LIMIT, signal);
      from = read.next;
      if (read.tokens.length > 0 || read.done) changed();
      if (read.done) return;
      await sleep(NOTIFY_GAP_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  tools(): McpTool[] {
    return [
      mcpTool({
        name: 'start_generation',
        title: 'Start a generation',
        description:
          'Starts a token stream (as POST /llm/streams, scope llm): queues the generation and answers its id and a ' +
          'viewer_token that reads this one stream. Read its tokens with read_generation.',
        input: {
          prompt: z.string().describe('The user prompt'),
          system: z.string().optional().describe('System prompt (counts towards LLM_MAX_INPUT_CHARS with prompt)'),
          id: z.string().optional().describe('Client-chosen stream id (1-128 of letters, digits, . _ -)'),
          provider: z
            .string()
            .optional()
            .describe(`One of ${PROVIDERS.join(', ')} (default simulated)`),
          model: z.string().optional().describe("The provider's model (its default, or one listed in LLM_MODELS)"),
          max_tokens: z.number().optional().describe('Most tokens to generate, 1..LLM_MAX_TOKENS'),
        },
        output: {
          id: z.string(),
          channel: z.string().describe('Valkey Pub/Sub channel carrying the JSON messages'),
          viewer_token: z.string().describe('Reads this one stream (status, /events, the /llm join, read_generation)'),
        },
        access: () => ({ rule: { kind: 'scope', scope: 'llm' } }),
        run: async (args, caller) => this.streams.start(await asDto(CreateStreamDto, args, 'body'), caller),
      }),
      mcpTool({
        name: 'read_generation',
        title: 'Read a generation',
        description:
          'Tokens of a stream from index `from`: those already generated at once, else waits up to wait_ms for new ' +
          `ones (at most ${READ_LIMIT} per call). Call again from \`next\` until done. Needs the stream's viewer ` +
          'token or an API key with scope llm.',
        input: {
          id: z.string().describe('The stream id'),
          from: z.number().optional().describe('First token index to read (default 0)'),
          wait_ms: z
            .number()
            .int()
            .min(0)
            .max(MAX_WAIT_MS)
            .optional()
            .describe(`How long to wait for a new token, 0..${MAX_WAIT_MS} ms (default ${DEFAULT_WAIT_MS})`),
        },
        output: {
          id: z.string(),
          status: z.enum(['running', 'done', 'cancelled', 'error']),
          done: z.boolean().describe('The end was read: nothing follows'),
          tokens: z.array(z.object({ index: z.number(), content: z.string() })),
          text: z.string().describe('The tokens of this read, concatenated'),
          next: z.number().describe('The index to read from next'),
          end: end.optional(),
        },
        access: (args) => ({ rule: { kind: 'stream', param: 'id' }, params: { id: args.id } }),
        run: async (args, _caller, signal) => {
          const { id, from = 0 } = await asDto(JoinStreamDto, { id: args.id, from: args.from }, 'body');
          return this.streams.read(id, from, args.wait_ms ?? DEFAULT_WAIT_MS, READ_LIMIT, signal);
        },
      }),
    ];
  }
}
