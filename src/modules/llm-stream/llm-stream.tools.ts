import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { asDto, mcpTool, McpTools, type McpTool, type McpToolSource } from '../../mcp/mcp-tool.js';
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

/** The MCP twins of `POST /llm/streams` and of reading a stream (`GET /llm/streams/{id}/events`). */
@Injectable()
@McpTools()
export class LlmStreamTools implements McpToolSource {
  constructor(private readonly streams: LlmStreamService) {}

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
