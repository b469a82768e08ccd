/**
 * What an agent runtime does with Skein's MCP server (README, "Agents (MCP)"): connects with an API key, publishes an
 * article, waits for it in a user's feed, then starts a generation and reads it to the end from a token index.
 *
 *   SKEIN_API_KEY=skein_… npx tsx clients/typescript/examples/mcp-agent.ts [http://127.0.0.1:3000] [userId]
 *
 * The key needs the scopes ingest, users and llm (POST /auth/keys); without them each tool answers an error naming
 * the scope it lacks.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The structured results of the tools this agent calls (each tool's outputSchema, from tools/list). */
export interface Published {
  id: string;
}
export interface FeedPage {
  items: { id: string; title: string; topic?: string; summary?: string; [field: string]: unknown }[];
  next_before?: string;
}
export interface Started {
  id: string;
  channel: string;
  viewer_token: string;
}
export interface TokenRead {
  id: string;
  status: 'running' | 'done' | 'cancelled' | 'error';
  done: boolean;
  tokens: { index: number; content: string }[];
  text: string;
  next: number;
  end?: { total_tokens: number; reason?: string; message?: string };
}

/** A tool answered an error result: its text names what was wrong (a scope, a field, a limit). */
export class ToolError extends Error {
  override name = 'ToolError';
}

/** An MCP client session against `${baseUrl}/mcp`, with the API key on every request. */
export async function connectSkein(baseUrl: string, apiKey: string): Promise<Client> {
  const client = new Client({ name: 'skein-example-agent', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), {
    requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
  });
  await client.connect(transport);
  return client;
}

/** Calls a tool and answers its structured result; a tool error result throws ToolError with the server's words. */
export async function callTool<T>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) {
    const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    throw new ToolError(`${name}: ${text}`);
  }
  return result.structuredContent as T;
}

/** Reads `userId`'s feed until the article `articleId` is in it (classified, enriched and fanned out). */
export async function waitInFeed(
  client: Client,
  userId: string,
  articleId: string,
  timeoutMs = 30000,
): Promise<FeedPage['items'][number]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await callTool<FeedPage>(client, 'get_feed', { uid: userId, limit: 20 });
    const item = page.items.find((candidate) => candidate.id === articleId);
    if (item) return item;
    if (Date.now() > deadline) throw new Error(`article ${articleId} not in ${userId}'s feed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Reads a generation from token 0 to its end, handing each piece of text to `onText` as it arrives. */
export async function readToEnd(client: Client, streamId: string, onText: (text: string) => void): Promise<TokenRead> {
  let from = 0;
  for (;;) {
    // Waits up to wait_ms for new tokens; `next` is where the following read starts.
    const read = await callTool<TokenRead>(client, 'read_generation', { id: streamId, from, wait_ms: 10000 });
    if (read.text) onText(read.text);
    from = read.next;
    if (read.done) return read;
  }
}

/** The whole tour: publish, find it in the feed, ask for a summary and read it. Answers the generated text. */
export async function runAgent(
  baseUrl: string,
  apiKey: string,
  userId: string,
  print: (line: string) => void,
): Promise<string> {
  const client = await connectSkein(baseUrl, apiKey);
  try {
    const { tools } = await client.listTools();
    print(`tools: ${tools.map((tool) => tool.name).join(', ')}`);
    await callTool(client, 'set_topics', {
      uid: userId,
      topics: ['technology', 'science', 'business', 'finance'],
    });
    const title = 'Valkey 9 ships hash field expiry and faster streams';
    const article = await callTool<Published>(client, 'publish_article', {
      title,
      body: 'The Valkey project released a new major version with per-field expiry for hashes and faster stream reads.',
      source: 'mcp-agent-example',
    });
    print(`published ${article.id}`);
    const item = await waitInFeed(client, userId, article.id);
    print(`in ${userId}'s feed: [${item.topic ?? '?'}] ${item.title}`);
    const stream = await callTool<Started>(client, 'start_generation', {
      prompt: `Write one sentence about: ${item.title}`,
      max_tokens: 32,
    });
    let text = '';
    const read = await readToEnd(client, stream.id, (piece) => (text += piece));
    print(`generation ${stream.id} ${read.status}: ${text}`);
    return text;
  } finally {
    await client.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const apiKey = process.env.SKEIN_API_KEY;
  if (!apiKey) {
    console.error('set SKEIN_API_KEY to an API key with scopes ingest, users and llm');
    process.exitCode = 2;
  } else {
    runAgent(process.argv[2] ?? 'http://127.0.0.1:3000', apiKey, process.argv[3] ?? 'agent-reader', (line) =>
      process.stdout.write(`${line}\n`),
    ).catch((error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    });
  }
}
