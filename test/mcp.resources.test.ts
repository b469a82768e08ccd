import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TOPICS } from '../src/news/topics.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/** The JSON a resources/read answered. */
function contentOf<T>(read: { contents: { uri: string; text?: unknown }[] }): T {
  expect(read.contents).toHaveLength(1);
  return JSON.parse(String(read.contents[0]?.text)) as T;
}

describe('MCP resources: a user feed and a token stream, read and subscribed to in a session', () => {
  let valkey: TestValkey;
  let app: TestApp;
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const clients: Client[] = [];

  async function key(scopes: string[]): Promise<string> {
    const created = await json<{ key: string }>(`${app.url}/auth/keys`, {
      body: { name: `mcp-res ${scopes.join(' ')}`, scopes },
      headers: admin,
    });
    expect(created.status).toBe(201);
    return created.body.key;
  }

  async function userToken(uid: string): Promise<string> {
    return (await json<{ token: string }>(`${app.url}/auth/user-tokens`, { body: { user_id: uid }, headers: admin }))
      .body.token;
  }

  /** A client that collects the URIs of notifications/resources/updated it receives. */
  async function connect(
    credential: string,
  ): Promise<{ client: Client; updated: string[]; transport: StreamableHTTPClientTransport }> {
    const client = new Client({ name: 'skein-resource-agent', version: '1.0.0' });
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updated.push(notification.params.uri);
    });
    const transport = new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${credential}` } },
    });
    await client.connect(transport);
    return { client, updated, transport };
  }

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, {
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY: ADMIN_KEY,
      LLM_SIMULATED_TOKEN_DELAY_MS: '20',
      FEED_RELAY_POLL_MS: '50',
      MCP_MAX_SESSIONS_PER_CREDENTIAL: '2',
      MCP_SESSION_IDLE_MS: '300',
    });
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await app?.close();
    await valkey?.stop();
  });

  it('lists the two resource templates and opens a session that can subscribe', async () => {
    const credential = await key(['users']);
    const { client, transport } = await connect(credential);
    expect(transport.sessionId).toBeTruthy();
    expect(client.getServerCapabilities()?.resources?.subscribe).toBe(true);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate).sort()).toEqual([
      'skein://llm/streams/{id}',
      'skein://users/{uid}/feed',
    ]);
    for (const template of resourceTemplates) expect(template.mimeType).toBe('application/json');
    const id = transport.sessionId!;
    await transport.terminateSession();
    // DELETE ended it: the id is unknown from then on.
    const ended = await json(`${app.url}/mcp`, {
      body: { jsonrpc: '2.0', id: 9, method: 'tools/list' },
      headers: {
        authorization: `Bearer ${credential}`,
        accept: 'application/json, text/event-stream',
        'mcp-session-id': id,
      },
    });
    expect(ended.status).toBe(404);
    await client.close();
  });

  it("reads a user's feed and is notified when an article reaches it", async () => {
    const agent = await connect(await key(['users', 'ingest']));
    const uri = 'skein://users/res-reader/feed';
    const topics = await agent.client.callTool({
      name: 'set_topics',
      arguments: { uid: 'res-reader', topics: [...TOPICS] },
    });
    expect((topics as CallToolResult).isError).toBeFalsy();
    expect(contentOf<{ items: unknown[] }>(await agent.client.readResource({ uri }))).toEqual({ items: [] });
    await agent.client.subscribeResource({ uri });
    const published = await agent.client.callTool({
      name: 'publish_article',
      arguments: {
        id: 'res-article-1',
        title: 'Central bank holds interest rates steady',
        body: 'The central bank kept its main rate unchanged, citing slowing inflation and a cooling labour market.',
      },
    });
    expect((published as CallToolResult).isError).toBeFalsy();
    await eventually(() => Promise.resolve(agent.updated.includes(uri)), 20000);
    const feed = contentOf<{ items: { id: string }[] }>(await agent.client.readResource({ uri }));
    expect(feed.items.map((item) => item.id)).toContain('res-article-1');
    await agent.client.unsubscribeResource({ uri });
    await expect(agent.client.readResource({ uri: 'skein://users/no%20spaces/feed' })).rejects.toThrow(
      '400 Bad Request: uid must be 1-64 characters',
    );
    await agent.transport.terminateSession();
    await agent.client.close();
  });

  it("refuses another user's feed to a user token, for read and for subscribe", async () => {
    const { client, transport } = await connect(await userToken('res-u1'));
    expect(contentOf<{ items: unknown[] }>(await client.readResource({ uri: 'skein://users/res-u1/feed' }))).toEqual({
      items: [],
    });
    const other = client.readResource({ uri: 'skein://users/res-u2/feed' });
    await expect(other).rejects.toBeInstanceOf(McpError);
    await expect(other).rejects.toThrow('this token is for user res-u1, not user res-u2');
    await expect(client.subscribeResource({ uri: 'skein://users/res-u2/feed' })).rejects.toThrow(
      'this token is for user res-u1, not user res-u2',
    );
    await transport.terminateSession();
    await client.close();
  });

  it('reads a token stream and is notified of its tokens and its end; an unknown stream is -32002', async () => {
    const agent = await connect(await key(['llm']));
    const started = (await agent.client.callTool({
      name: 'start_generation',
      arguments: { prompt: 'Explain consumer groups', max_tokens: 30 },
    })) as CallToolResult;
    const { id } = started.structuredContent as { id: string };
    const uri = `skein://llm/streams/${id}`;
    await agent.client.subscribeResource({ uri });
    const status = await eventually(async () => {
      const read = contentOf<{ status: string; tokens: number; text: string }>(
        await agent.client.readResource({ uri }),
      );
      return read.status === 'done' && read;
    }, 20000);
    expect(status.tokens).toBe(30);
    await eventually(() => Promise.resolve(agent.updated.filter((updated) => updated === uri).length >= 2), 5000);
    await expect(agent.client.readResource({ uri: 'skein://llm/streams/no-such-stream' })).rejects.toMatchObject({
      code: -32002,
    });
    await expect(agent.client.readResource({ uri: 'skein://nothing/here' })).rejects.toBeInstanceOf(McpError);
    await agent.transport.terminateSession();
    await agent.client.close();
  });

  it('bounds sessions per credential (429 when all are in use, else the oldest quiet one goes), closes idle ones, and still answers stateless calls', async () => {
    const credential = await key(['users']);
    const first = await connect(credential);
    const second = await connect(credential);
    clients.push(second.client);
    // A round trip each: the GET stream each client opened after initialize has reached the server by then.
    await Promise.all([first.client.ping(), second.client.ping()]);
    await expect(connect(credential)).rejects.toThrow(/429/);
    // A JSON-RPC call without a session is answered statelessly whatever the count.
    const stateless = await json<{ result: { tools: unknown[] } }>(`${app.url}/mcp`, {
      body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      headers: { authorization: `Bearer ${credential}`, accept: 'application/json, text/event-stream' },
    });
    expect(stateless.body.result.tools).toHaveLength(7);
    const subscribe = await json(`${app.url}/mcp`, {
      body: { jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: 'skein://users/x/feed' } },
      headers: { authorization: `Bearer ${credential}`, accept: 'application/json, text/event-stream' },
    });
    expect(JSON.stringify(subscribe.body)).toContain('needs a session');
    // A client initializing per call (no GET stream, no DELETE) is not locked out: its oldest quiet session goes.
    const quietKey = await key(['users']);
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const opened = await json(`${app.url}/mcp`, {
        body: initialize,
        headers: { authorization: `Bearer ${quietKey}`, accept: 'application/json, text/event-stream' },
      });
      expect(opened.status).toBe(200);
      ids.push(opened.headers.get('mcp-session-id')!);
    }
    const evicted = await json(`${app.url}/mcp`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${quietKey}`, 'mcp-session-id': ids[0] ?? '' },
    });
    expect(evicted.status).toBe(404);
    // Idle (MCP_SESSION_IDLE_MS) sessions are closed: a new one opens, and the old id is gone.
    await first.client.close();
    const again = await eventually(async () => (await connect(credential).catch(() => undefined)) ?? false, 5000);
    clients.push(again.client);
    const gone = await json(`${app.url}/mcp`, {
      body: { jsonrpc: '2.0', id: 3, method: 'tools/list' },
      headers: {
        authorization: `Bearer ${credential}`,
        accept: 'application/json, text/event-stream',
        'mcp-session-id': first.transport.sessionId!,
      },
    });
    expect(gone.status).toBe(404);
  });
});
