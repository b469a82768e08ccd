import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import { loadConfig } from '../src/config/config.js';
import { json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

type Refusal = { message: string | string[] };
const text = (body: Refusal): string => [body.message].flat().join('; ');

/**
 * Limits on POST /llm/streams that hold whoever calls: which models, how much input, how many tokens by default, and
 * how many requests may wait. An api-only replica: nothing generates, so every accepted request stays in the backlog.
 */
describe('llm limits (api replica, no generator)', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, {
      ROLES: 'api',
      LLM_MODELS: 'gpt-4.1-mini, simulated-2',
      LLM_MAX_INPUT_CHARS: '100',
      LLM_MAX_BACKLOG: '5',
      // openai is configured (nothing is called: no llm replica runs), so its default max_tokens can be read back.
      LLM_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  const start = (body: Record<string, unknown>) =>
    json<Refusal & { id: string }>(`${app.url}/llm/streams`, { body: { prompt: 'hi', ...body } });

  it('a model outside LLM_MODELS is a 400 naming model and listing the allowed ones; nothing is written', async () => {
    const res = await start({ id: 'model-x', model: 'gpt-4-32k', provider: 'openai' });
    expect(res.status).toBe(400);
    expect(text(res.body)).toContain('model');
    expect(text(res.body)).toContain('LLM_MODELS');
    for (const allowed of ['gpt-4o-mini', 'gpt-4.1-mini', 'simulated-2']) expect(text(res.body)).toContain(allowed);
    expect(await client.exists('llm:meta:{model-x}')).toBe(0);
  });

  it('a model listed in LLM_MODELS, or the provider default, is accepted', async () => {
    expect((await start({ id: 'model-listed', model: 'gpt-4.1-mini', provider: 'openai' })).status).toBe(201);
    expect(await client.hget('llm:meta:{model-listed}', 'model')).toBe('gpt-4.1-mini');
    expect((await start({ id: 'model-default', model: 'simulated-1' })).status).toBe(201);
  });

  it('system and prompt together over LLM_MAX_INPUT_CHARS are a 400 naming both fields and the limit', async () => {
    // Each alone fits; together they do not.
    const res = await start({ id: 'input-1', prompt: 'p'.repeat(60), system: 's'.repeat(60) });
    expect(res.status).toBe(400);
    for (const word of ['prompt', 'system', 'LLM_MAX_INPUT_CHARS', '100']) expect(text(res.body)).toContain(word);
    expect(await client.exists('llm:meta:{input-1}')).toBe(0);
    expect((await start({ id: 'input-2', prompt: 'p'.repeat(50), system: 's'.repeat(50) })).status).toBe(201);
  });

  it('without max_tokens a paid provider gets the small LLM_DEFAULT_MAX_TOKENS, not LLM_MAX_TOKENS', async () => {
    expect((await start({ id: 'default-tokens', provider: 'openai' })).status).toBe(201);
    expect(await client.hget('llm:meta:{default-tokens}', 'max_tokens')).toBe('256');
  });

  it('with LLM_MAX_BACKLOG requests waiting, POST is a 503 with Retry-After naming the limit and writes nothing', async () => {
    // The earlier tests queued 4; one more fills the backlog.
    while ((await client.xlen('llm:requests')) < 5) {
      expect((await start({})).status).toBe(201);
    }
    const length = await client.xlen('llm:requests');
    const res = await start({ id: 'over-backlog' });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(text(res.body)).toContain('LLM_MAX_BACKLOG');
    expect(await client.xlen('llm:requests')).toBe(length);
    expect(await client.exists('llm:meta:{over-backlog}')).toBe(0);
  });
});

describe('llm limits: defaults', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { ROLES: 'api' });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('with LLM_MODELS unset a caller cannot pick a model: only the provider default is accepted', async () => {
    const other = await json<Refusal>(`${app.url}/llm/streams`, { body: { prompt: 'hi', model: 'simulated-9' } });
    expect(other.status).toBe(400);
    expect(text(other.body)).toContain('model');
    expect(text(other.body)).toContain('simulated-1');
    const named = await json(`${app.url}/llm/streams`, { body: { prompt: 'hi', model: 'simulated-1' } });
    expect(named.status).toBe(201);
  });

  it('LLM_MAX_PROMPT_CHARS, folded into LLM_MAX_INPUT_CHARS, stops the process naming its replacement', () => {
    expect(() => loadConfig({ LLM_MAX_PROMPT_CHARS: '1000' })).toThrow(/LLM_MAX_PROMPT_CHARS.*LLM_MAX_INPUT_CHARS/);
  });
});
