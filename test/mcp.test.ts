import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, ListPromptsResultSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runAgent } from '../clients/typescript/examples/mcp-agent.js';
import { TOPICS } from '../src/news/topics.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
const TOOLS = [
  'get_feed',
  'get_online_features',
  'publish_article',
  'push_features',
  'read_generation',
  'set_topics',
  'start_generation',
];

interface Feed {
  items: { id: string; title: string }[];
  next_before?: string;
}
interface Read {
  status: string;
  done: boolean;
  tokens: { index: number; content: string }[];
  text: string;
  next: number;
}

/** The text of a tool error result. */
function errorText(result: CallToolResult): string {
  expect(result.isError).toBe(true);
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe('MCP: the tools over Streamable HTTP at /mcp, authorised by API keys', () => {
  let valkey: TestValkey;
  let app: TestApp;
  const clients: Client[] = [];
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };

  async function key(scopes: string[]): Promise<string> {
    const created = await json<{ key: string }>(`${app.url}/auth/keys`, {
      body: { name: `mcp ${scopes.join(' ')}`, scopes },
      headers: admin,
    });
    expect(created.status).toBe(201);
    return created.body.key;
  }

  /** An MCP session of its own (the SDK's client) with `credential` on every request. */
  async function connect(credential: string): Promise<Client> {
    const client = new Client({ name: 'skein-test-agent', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${credential}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function call<T>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError) throw new Error(`${name} failed: ${errorText(result)}`);
    return result.structuredContent as T;
  }

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, {
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY: ADMIN_KEY,
      LLM_SIMULATED_TOKEN_DELAY_MS: '5',
    });
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await app?.close();
    await valkey?.stop();
  });

  it('lists the seven tools, each with an input and an output schema', async () => {
    const client = await connect(await key(['ingest']));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.description).toBeTruthy();
    }
    const publish = tools.find((tool) => tool.name === 'publish_article')!;
    expect(publish.inputSchema.required).toEqual(expect.arrayContaining(['title', 'body']));
  });

  it('publishes an article that reaches a subscribed user, read with get_feed after set_topics', async () => {
    const agent = await connect(await key(['ingest', 'users']));
    const user = await call<{ id: string; topics: string[] }>(agent, 'set_topics', {
      uid: 'mcp-reader',
      topics: [...TOPICS],
    });
    expect(user).toMatchObject({ id: 'mcp-reader', topics: expect.arrayContaining([...TOPICS]) });
    const { id } = await call<{ id: string }>(agent, 'publish_article', {
      id: 'mcp-article-1',
      title: 'Parliament passes the budget after a late-night session',
      body: 'Lawmakers approved the spending plan by 212 votes to 190 after a debate that ran past midnight.',
      source: 'mcp-test',
    });
    expect(id).toBe('mcp-article-1');
    const feed = await eventually(async () => {
      const page = await call<Feed>(agent, 'get_feed', { uid: 'mcp-reader', limit: 10 });
      return page.items.some((item) => item.id === id) && page;
    }, 20000);
    expect(feed.items.find((item) => item.id === id)?.title).toBe(
      'Parliament passes the budget after a late-night session',
    );
  });

  it('pushes feature rows and reads them back online', async () => {
    expect(
      (await json(`${app.url}/features/entities`, { body: { name: 'user', join_keys: ['user_id'] }, headers: admin }))
        .status,
    ).toBe(201);
    const view = {
      name: 'mcp_profile',
      entity: 'user',
      ttl_seconds: 3600,
      features: [
        { name: 'age', type: 'INT' },
        { name: 'tier', type: 'STRING' },
      ],
    };
    expect((await json(`${app.url}/features/views`, { body: view, headers: admin })).status).toBe(201);
    const agent = await connect(await key(['features:read', 'features:write']));
    const pushed = await call<{ ids: string[] }>(agent, 'push_features', {
      feature_view: 'mcp_profile',
      rows: [{ entity_id: 'u7', features: { age: 31, tier: 'gold' } }],
    });
    expect(pushed.ids).toHaveLength(1);
    const online = await eventually(async () => {
      const read = await call<{
        metadata: { feature_names: string[] };
        results: { values: unknown[]; statuses: string[] }[];
      }>(agent, 'get_online_features', {
        features: ['mcp_profile:age', 'mcp_profile:tier'],
        entities: { user_id: ['u7'] },
      });
      return read.results[1]?.statuses[0] === 'PRESENT' && read;
    });
    expect(online.metadata.feature_names).toEqual(['user_id', 'age', 'tier']);
    expect(online.results.map((column) => column.values[0])).toEqual(['u7', 31, 'gold']);
  });

  it('starts a generation and reads it from an index until it is done; the viewer token reads that stream', async () => {
    const agent = await connect(await key(['llm']));
    const started = await call<{ id: string; viewer_token: string }>(agent, 'start_generation', {
      prompt: 'Explain Valkey streams',
      max_tokens: 12,
    });
    expect(started.viewer_token).toBeTruthy();
    let from = 0;
    let text = '';
    const indexes: number[] = [];
    for (let reads = 0; reads < 100; reads++) {
      const read = await call<Read>(agent, 'read_generation', { id: started.id, from, wait_ms: 5000 });
      indexes.push(...read.tokens.map((token) => token.index));
      text += read.text;
      from = read.next;
      if (read.done) {
        expect(read.status).toBe('done');
        break;
      }
    }
    expect(indexes).toEqual([...Array(12).keys()]);
    const status = await json<{ text: string; tokens: number }>(`${app.url}/llm/streams/${started.id}`, {
      headers: { authorization: `Bearer ${started.viewer_token}` },
    });
    expect(status.body).toMatchObject({ text, tokens: 12 });
    // Each read was a viewer for the time of its call only.
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/^skein_llm_viewers\{transport="mcp"\} 0$/m);

    const viewer = await connect(started.viewer_token);
    const replay = await call<Read>(viewer, 'read_generation', { id: started.id, from: 10, wait_ms: 0 });
    expect(replay).toMatchObject({ done: true, status: 'done', next: 12 });
    expect(replay.tokens.map((token) => token.index)).toEqual([10, 11]);
    const other = (await viewer.callTool({
      name: 'read_generation',
      arguments: { id: 'another-stream' },
    })) as CallToolResult;
    expect(errorText(other)).toContain('403');
    expect(errorText(other)).toContain('stream another-stream');
  });

  it('answers a tool error naming the missing scope to a key without it, and goes on serving', async () => {
    const agent = await connect(await key(['users']));
    const refused = (await agent.callTool({
      name: 'publish_article',
      arguments: { title: 'Refused', body: 'This key has no ingest scope.' },
    })) as CallToolResult;
    expect(errorText(refused)).toMatch(/^403 Forbidden: .*scope ingest/);
    for (const [name, args, scope] of [
      ['push_features', { feature_view: 'v', rows: [{ entity_id: 'a', features: {} }] }, 'features:write'],
      ['get_online_features', { features: ['v:f'], entities: { id: ['1'] } }, 'features:read'],
      ['start_generation', { prompt: 'hello' }, 'llm'],
      ['read_generation', { id: 'some-stream', wait_ms: 0 }, 'llm'],
    ] as const) {
      const result = (await agent.callTool({ name, arguments: args })) as CallToolResult;
      expect(errorText(result)).toContain(scope);
    }
    const user = await connect(
      (await json<{ token: string }>(`${app.url}/auth/user-tokens`, { body: { user_id: 'u1' }, headers: admin })).body
        .token,
    );
    expect(await call<Feed>(user, 'get_feed', { uid: 'u1' })).toMatchObject({ items: [] });
    const other = (await user.callTool({
      name: 'set_topics',
      arguments: { uid: 'u2', topics: ['science'] },
    })) as CallToolResult;
    expect(errorText(other)).toContain('this token is for user u1, not user u2');
    expect((await agent.listTools()).tools).toHaveLength(7);
  });

  it('answers bad arguments with a tool error naming the field, as REST does, and writes nothing', async () => {
    const agent = await connect(await key(['admin']));
    const raw = valkey.client();
    const articlesBefore = await raw.xlen('news_raw');
    const blank = (await agent.callTool({
      name: 'publish_article',
      arguments: { title: '   ', body: 'A body.' },
    })) as CallToolResult;
    expect(errorText(blank)).toBe('400 Bad Request: title should not be blank');
    const extra = (await agent.callTool({
      name: 'publish_article',
      arguments: { title: 'T', body: 'B', colour: 'red' },
    })) as CallToolResult;
    expect(errorText(extra)).toMatch(/Unrecognized key.*colour/);
    const wrongType = (await agent.callTool({
      name: 'publish_article',
      arguments: { title: 3, body: 'B' },
    })) as CallToolResult;
    expect(errorText(wrongType)).toMatch(/title/);
    const topic = (await agent.callTool({
      name: 'set_topics',
      arguments: { uid: 'u1', topics: ['gardening'] },
    })) as CallToolResult;
    expect(errorText(topic)).toContain('gardening');
    const uid = (await agent.callTool({
      name: 'get_feed',
      arguments: { uid: 'no spaces', limit: 5 },
    })) as CallToolResult;
    expect(errorText(uid)).toContain('uid must be 1-64 characters');
    const limit = (await agent.callTool({ name: 'get_feed', arguments: { uid: 'u1', limit: 0 } })) as CallToolResult;
    expect(errorText(limit)).toContain('limit must not be less than 1');
    const tokens = (await agent.callTool({
      name: 'start_generation',
      arguments: { prompt: 'x', max_tokens: 0 },
    })) as CallToolResult;
    expect(errorText(tokens)).toContain('max_tokens must be between 1 and LLM_MAX_TOKENS');
    const wait = (await agent.callTool({
      name: 'read_generation',
      arguments: { id: 's', wait_ms: 60000 },
    })) as CallToolResult;
    expect(errorText(wait)).toContain('wait_ms');
    const unknown = (await agent.callTool({
      name: 'read_generation',
      arguments: { id: 'no-such-stream', wait_ms: 0 },
    })) as CallToolResult;
    expect(errorText(unknown)).toBe('404 Not Found: stream no-such-stream not found');
    const row = (await agent.callTool({
      name: 'push_features',
      arguments: { feature_view: 'nope', rows: [] },
    })) as CallToolResult;
    expect(errorText(row)).toContain('rows must contain at least 1 elements');
    expect(await raw.xlen('news_raw')).toBe(articlesBefore);
  });

  it('answers an unknown tool with the protocol error -32602, not a tool result', async () => {
    const agent = await connect(await key(['admin']));
    const call = agent.callTool({ name: 'delete_everything', arguments: {} });
    await expect(call).rejects.toBeInstanceOf(McpError);
    await expect(call).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining('Unknown tool: delete_everything'),
    });
  });

  it('answers malformed JSON-RPC with the protocol error and an unknown method with -32601', async () => {
    const ingest = await key(['ingest']);
    const headers = { authorization: `Bearer ${ingest}`, accept: 'application/json, text/event-stream' };
    const notRpc = await json<{ error: { code: number } }>(`${app.url}/mcp`, { body: { hello: 'world' }, headers });
    expect(notRpc.status).toBe(400);
    expect(notRpc.body.error.code).toBe(ErrorCode.ParseError);
    const notJson = await json<{ error: { code: number } }>(`${app.url}/mcp`, { body: '{"jsonrpc": "2.0",', headers });
    expect(notJson.status).toBe(400);
    const noAccept = await json(`${app.url}/mcp`, {
      body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      headers: { authorization: `Bearer ${ingest}` },
    });
    expect(noAccept.status).toBe(406);
    const agent = await connect(ingest);
    await expect(agent.request({ method: 'prompts/list' }, ListPromptsResultSchema)).rejects.toMatchObject({
      code: ErrorCode.MethodNotFound,
    });
  });

  it('runs the README example agent (clients/typescript/examples/mcp-agent.ts) to the end', async () => {
    const lines: string[] = [];
    const text = await runAgent(app.url, await key(['ingest', 'users', 'llm']), 'agent-reader', (line) =>
      lines.push(line),
    );
    expect(text.length).toBeGreaterThan(0);
    expect(lines[0]).toContain('publish_article');
    expect(lines.some((line) => line.startsWith("in agent-reader's feed: [technology]"))).toBe(true);
    expect(lines.at(-1)).toMatch(/^generation \S+ done: /);
  });

  it('answers 401 with WWW-Authenticate: Bearer without a credential or with a wrong one, and 405 to GET', async () => {
    const body = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const accept = { accept: 'application/json, text/event-stream' };
    const none = await json(`${app.url}/mcp`, { body, headers: accept });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await json(`${app.url}/mcp`, {
      body,
      headers: { ...accept, authorization: 'Bearer skein_000000000000_wrong' },
    });
    expect(wrong.status).toBe(401);
    const client = new Client({ name: 'no-key', version: '1.0.0' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`)))).rejects.toThrow(/401/);
    const get = await json(`${app.url}/mcp`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(get.status).toBe(405);
  });
});
