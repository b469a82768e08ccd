import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Valkey } from 'iovalkey';
import { parse } from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../src/config/config.js';
import { EnvironmentVariables } from '../src/config/env.schema.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { spawnApp } from './support/process.js';
import { TestValkey } from './support/valkey.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the app on its embedded Valkey', () => {
  it('starts its own valkey-server and stops it when the app stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skein-embedded-'));
    const app = await spawnApp({ VALKEY_DATA_DIR: dataDir, ROLES: 'api' });
    try {
      const pid = Number(readFileSync(join(dataDir, 'valkey.pid'), 'utf8'));
      expect(processAlive(pid)).toBe(true);
      const health = await json<{ valkey: string }>(`${app.url}/health`);
      expect(health.body.valkey).toBe('up');
      // Nest runs its shutdown hooks, then re-raises SIGTERM: a clean stop ends by that signal, not a crash code.
      expect(await app.stop()).toBe('SIGTERM');
      expect(app.output()).not.toMatch(/ERROR|failed/);
      await eventually(() => !processAlive(pid), 10000);
    } finally {
      await app.kill9();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('does not leave its valkey-server running when the app is killed with SIGKILL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skein-embedded-'));
    const app = await spawnApp({ VALKEY_DATA_DIR: dataDir, ROLES: 'api' });
    const pid = Number(readFileSync(join(dataDir, 'valkey.pid'), 'utf8'));
    await app.kill9();
    await eventually(() => !processAlive(pid), 10000);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits at start with the unknown role named in the error', async () => {
    const app = await spawnApp(
      { ROLES: 'api,enrich,teleport', VALKEY_URL: 'redis://127.0.0.1:1' },
      { waitHealthy: false },
    );
    expect(await app.exited).not.toBe(0);
    expect(app.output()).toContain('ROLES');
    expect(app.output()).toContain('"teleport"');
  });

  it('exits at start naming the variable when a value is out of range', async () => {
    const app = await spawnApp({ PORT: '70000', VALKEY_URL: 'redis://127.0.0.1:1' }, { waitHealthy: false });
    expect(await app.exited).not.toBe(0);
    expect(app.output()).toContain('PORT');
  });

  it('serves only health and metrics on a replica without the api role', async () => {
    const valkey = await TestValkey.start();
    const app = await spawnApp({ VALKEY_URL: valkey.url, ROLES: 'enrich' });
    try {
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      const metrics = await fetch(`${app.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('skein_');
      expect((await fetch(`${app.url}/docs`)).status).toBe(404);
      expect((await fetch(`${app.url}/docs-json`)).status).toBe(404);
      const post = await json(`${app.url}/articles`, { body: { title: 't', body: 'b' } });
      expect(post.status).toBe(404);
      expect((await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`)).status).toBe(404);
    } finally {
      await app.stop();
      await valkey.stop();
    }
  });
});

describe('REST ingest', () => {
  let valkey: TestValkey;
  let app: TestApp;
  let client: Valkey;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    // Only the api role: nothing consumes news_raw, so what was written stays visible.
    app = await startTestApp(valkey.url, {
      ROLES: 'api',
      INGEST_MAX_BACKLOG: '1000',
      HTTP_BODY_LIMIT: '64kb',
      ARTICLE_MAX_BODY_CHARS: '1000',
    });
  });

  afterAll(async () => {
    await app.close();
    await valkey.stop();
  });

  beforeEach(async () => {
    await client.flushall();
  });

  it('accepts an article into news_raw with the contract fields and answers 202 with its id', async () => {
    const res = await json<{ id: string }>(`${app.url}/articles`, {
      body: {
        id: 'a1',
        title: 'Budget passes',
        body: 'Lawmakers approved it.',
        url: 'https://x.test/a1',
        source: 'wire',
      },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: 'a1' });
    const entries = await client.xrange('news_raw', '-', '+');
    expect(entries).toHaveLength(1);
    expect(entries[0][1]).toEqual(
      expect.arrayContaining([
        'id',
        'a1',
        'title',
        'Budget passes',
        'body',
        'Lawmakers approved it.',
        'source',
        'wire',
      ]),
    );
  });

  it('treats the same id posted twice as one article', async () => {
    const article = { id: 'dup', title: 'Same', body: 'Same body' };
    expect((await json(`${app.url}/articles`, { body: article })).status).toBe(202);
    expect((await json(`${app.url}/articles`, { body: article })).status).toBe(202);
    expect((await json(`${app.url}/articles/batch`, { body: { articles: [article] } })).status).toBe(202);
    expect(await client.xlen('news_raw')).toBe(1);
  });

  it('gives an article without an id a stable id derived from its url', async () => {
    const first = await json<{ id: string }>(`${app.url}/articles`, {
      body: { title: 'One', body: 'b', url: 'https://x.test/story' },
    });
    const again = await json<{ id: string }>(`${app.url}/articles`, {
      body: { title: 'One, edited', body: 'b2', url: 'https://x.test/story' },
    });
    expect(first.body.id).toMatch(/^[0-9a-f]{16}$/);
    expect(again.body.id).toBe(first.body.id);
    expect(await client.xlen('news_raw')).toBe(1);
  });

  it('accepts a batch and answers the ids in order', async () => {
    const res = await json<{ ids: string[] }>(`${app.url}/articles/batch`, {
      body: {
        articles: [
          { id: 'b1', title: 't1', body: 'x' },
          { id: 'b2', title: 't2', body: 'y' },
        ],
      },
    });
    expect(res.status).toBe(202);
    expect(res.body.ids).toEqual(['b1', 'b2']);
    expect(await client.xlen('news_raw')).toBe(2);
  });

  it.each([
    ['a missing title', { body: 'b' }, 'title'],
    ['a wrong-typed body', { title: 't', body: 42 }, 'body'],
    ['a title of only spaces', { title: '  ', body: 'b' }, 'title should not be blank'],
    ['a body of only spaces', { title: 't', body: ' \n ' }, 'body should not be blank'],
    ['an unknown field', { title: 't', body: 'b', colour: 'red' }, 'colour'],
    ['a malformed url', { title: 't', body: 'b', url: 'not a url' }, 'url'],
    ['a malformed published_at', { title: 't', body: 'b', published_at: 'yesterday' }, 'published_at'],
    ['an id that URL clients resolve away', { id: '..', title: 't', body: 'b' }, 'id'],
  ])('rejects %s with 400 naming the field and writes nothing', async (_case, body, field) => {
    const res = await json<{ message: string[] }>(`${app.url}/articles`, { body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain(field);
    expect(await client.exists('news_raw')).toBe(0);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await json(`${app.url}/articles`, { body: '{"title": ' });
    expect(res.status).toBe(400);
    expect(await client.exists('news_raw')).toBe(0);
  });

  it('rejects a body over HTTP_BODY_LIMIT with 413', async () => {
    const res = await json(`${app.url}/articles`, { body: { title: 't', body: 'x'.repeat(70 * 1024) } });
    expect(res.status).toBe(413);
    expect(await client.exists('news_raw')).toBe(0);
  });

  it('rejects a body over ARTICLE_MAX_BODY_CHARS with 400 naming it, and the id stays free for a corrected resend', async () => {
    const long = { id: 'long', title: 't', body: 'word '.repeat(201) };
    const one = await json<{ message: string[] }>(`${app.url}/articles`, { body: long });
    expect(one.status).toBe(400);
    expect(one.body.message).toEqual(['body must be at most 1000 characters (ARTICLE_MAX_BODY_CHARS), got 1004']);
    const batch = await json<{ message: string[] }>(`${app.url}/articles/batch`, {
      body: { articles: [{ id: 'short', title: 't', body: 'fine' }, long] },
    });
    expect(batch.status).toBe(400);
    expect(JSON.stringify(batch.body.message)).toContain('articles.1.body must be at most 1000 characters');
    expect(await client.exists('news_raw')).toBe(0);

    expect((await json(`${app.url}/articles`, { body: { ...long, body: 'The team won.' } })).status).toBe(202);
    const [[, fields]] = await client.xrange('news_raw', '-', '+');
    expect(fields).toEqual(expect.arrayContaining(['id', 'long', 'body', 'The team won.']));
  });

  it('rejects a whole batch when one article is bad, naming it, and writes nothing', async () => {
    const res = await json<{ message: string[] }>(`${app.url}/articles/batch`, {
      body: { articles: [{ title: 'good', body: 'fine' }, { title: 'bad' }] },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('articles.1.body');
    expect(await client.exists('news_raw')).toBe(0);
  });

  it('rejects a batch of more than 500 articles', async () => {
    const articles = Array.from({ length: 501 }, (_, i) => ({ title: `t${i}`, body: 'b' }));
    const res = await json(`${app.url}/articles/batch`, { body: { articles } });
    expect(res.status).toBe(400);
    expect(await client.exists('news_raw')).toBe(0);
  });

  it('answers 503 with Retry-After once the unprocessed backlog passes INGEST_MAX_BACKLOG', async () => {
    const articles = Array.from({ length: 500 }, (_, i) => ({ id: `bp${i}`, title: `t${i}`, body: 'b' }));
    expect((await json(`${app.url}/articles/batch`, { body: { articles } })).status).toBe(202);
    expect(
      (await json(`${app.url}/articles/batch`, { body: { articles: articles.map((a) => ({ ...a, id: `${a.id}x` })) } }))
        .status,
    ).toBe(202);
    await new Promise((r) => setTimeout(r, 600)); // past the backlog cache
    const res = await json<{ message: string }>(`${app.url}/articles`, { body: { id: 'over', title: 't', body: 'b' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.body.message).toContain('backlog');
    expect(await client.xlen('news_raw')).toBe(1000);
  });

  it('answers requests with 503 and Retry-After at once while Valkey is unreachable, and serves again once it is back', async () => {
    const other = await TestValkey.start();
    const lonely = await startTestApp(other.url, { ROLES: 'api' });
    try {
      expect((await json(`${lonely.url}/pipeline/stats`)).status).toBe(200);
      const restarted = other.restart(5000); // down for 5 s, then back on the same port
      await eventually(async () => (await json(`${lonely.url}/health`)).status === 503);
      for (const [path, body] of [
        ['/articles', { title: 't', body: 'b' }],
        ['/features/get-online-features', { features: ['v:f'], entities: { id: ['1'] } }],
        ['/pipeline/stats', undefined],
        ['/users/u1/feed', undefined],
      ] as const) {
        const started = Date.now();
        const res = await json<{ message: string }>(`${lonely.url}${path}`, body ? { body } : {});
        expect([path, res.status, res.headers.get('retry-after'), res.body.message]).toEqual([
          path,
          503,
          '1',
          'Valkey is unreachable; retry shortly',
        ]);
        expect(Date.now() - started).toBeLessThan(1000);
      }
      await restarted;
      await eventually(async () => (await json(`${lonely.url}/pipeline/stats`)).status === 200, 15000);
    } finally {
      await lonely.close();
      await other.stop();
    }
  });

  it('answers /health 200 while Valkey is up and 503 naming it when it is down', async () => {
    expect((await json(`${app.url}/health`)).status).toBe(200);
    const other = await TestValkey.start();
    const lonely = await startTestApp(other.url, { ROLES: 'api' });
    try {
      await other.stop();
      const res = await eventually(async () => {
        const r = await json<{ down: string[] }>(`${lonely.url}/health`);
        return r.status === 503 ? r : undefined;
      });
      expect(res.body.down).toContain('valkey');
    } finally {
      await lonely.close();
    }
  });

  it('documents every operation with a summary in the OpenAPI spec', async () => {
    const spec = await json<{ paths: Record<string, Record<string, { summary?: string }>> }>(`${app.url}/docs-json`);
    expect(spec.status).toBe(200);
    const operations = Object.values(spec.body.paths).flatMap((methods) => Object.values(methods));
    expect(operations.length).toBeGreaterThan(3);
    for (const operation of operations) expect(operation.summary).toBeTruthy();
    expect((await fetch(`${app.url}/docs`)).status).toBe(200);
  });

  it('gives every operation in the OpenAPI spec a unique camelCase operationId', async () => {
    type Spec = { paths: Record<string, Record<string, { operationId?: string }>> };
    const spec = await json<Spec>(`${app.url}/docs-json`);
    const ids = Object.entries(spec.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, id: operation.operationId })),
    );
    expect(ids.length).toBeGreaterThan(3);
    for (const { route, id } of ids)
      expect({ route, id }).toEqual({ route, id: expect.stringMatching(/^[a-z][A-Za-z0-9]+$/) });
    const seen = new Map<string, string>();
    for (const { route, id } of ids) {
      expect({ id, route, alsoUsedBy: seen.get(id!) }).toEqual({ id, route, alsoUsedBy: undefined });
      seen.set(id!, route);
    }
    // The factory's controller+method id, unless the handler names its own (which the factory must not override).
    expect(spec.body.paths['/users/{uid}/topics'].put.operationId).toBe('usersSetTopics');
    expect(spec.body.paths['/users/{uid}/feed'].get.operationId).toBe('getUserFeed');
    // No id says a noun twice (`usersUser`, `topicsTopics`).
    const doubled = ids.filter(({ id }) => {
      const words = id!.split(/(?=[A-Z])/).map((word) => word.toLowerCase().replace(/s$/, ''));
      return new Set(words).size < words.length;
    });
    expect(doubled).toEqual([]);
  });

  it('documents the shape GET /pipeline/stats answers', async () => {
    type Spec = { paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>> };
    const spec = await json<Spec>(`${app.url}/docs-json`);
    expect(JSON.stringify(spec.body.paths['/pipeline/stats'].get.responses['200'].content)).toContain(
      '#/components/schemas/PipelineStatsDto',
    );
  });
});

describe('docker-compose.yml', () => {
  it('gives the Skein services only environment variables the configuration schema knows', () => {
    const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
      services: Record<string, { build?: string; environment?: Record<string, unknown> }>;
    };
    const skein = Object.entries(compose.services).filter(([, service]) => service.build === '.');
    expect(skein.map(([name]) => name)).toEqual(
      expect.arrayContaining(['api', 'ingest', 'classify', 'enrich', 'fanout', 'features', 'llm']),
    );
    const known = new Set(ENVIRONMENT_VARIABLES);
    for (const [, service] of skein) {
      const names = Object.keys(service.environment ?? {});
      expect(names).toContain('VALKEY_URL');
      expect(names.filter((name) => !known.has(name))).toEqual([]);
    }
  });

  it('lets every Skein service stop within its own SHUTDOWN_TIMEOUT_MS before Docker kills it, logging JSON', () => {
    const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
      services: Record<string, { build?: string; stop_grace_period?: string; environment?: Record<string, unknown> }>;
    };
    const seconds = (value = '10s'): number => {
      const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
      if (!match) throw new Error(`unreadable stop_grace_period ${value}`);
      return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
    };
    const skein = Object.entries(compose.services).filter(([, service]) => service.build === '.');
    for (const [name, service] of skein) {
      const env = service.environment ?? {};
      const shutdownMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? new EnvironmentVariables().SHUTDOWN_TIMEOUT_MS);
      const graceMs = seconds(service.stop_grace_period) * 1000;
      expect({ name, graceAboveShutdown: graceMs > shutdownMs }).toEqual({ name, graceAboveShutdown: true });
      expect({ name, LOG_FORMAT: env.LOG_FORMAT }).toEqual({ name, LOG_FORMAT: 'json' });
    }
  });

  it('keeps Prometheus and Grafana data in named volumes', () => {
    const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
      services: Record<string, { volumes?: string[] }>;
      volumes?: Record<string, unknown>;
    };
    const named = Object.keys(compose.volumes ?? {});
    expect(compose.services.prometheus.volumes).toContainEqual(expect.stringMatching(/^[\w-]+:\/prometheus$/));
    expect(compose.services.grafana.volumes).toContainEqual(expect.stringMatching(/^[\w-]+:\/var\/lib\/grafana$/));
    for (const volume of [...compose.services.prometheus.volumes!, ...compose.services.grafana.volumes!]) {
      const source = volume.split(':')[0];
      if (!source.startsWith('.')) expect(named).toContain(source);
    }
  });

  it('gives the api replica the LLM provider settings it checks on POST /llm/streams, as the llm replica has them', () => {
    const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, unknown> }>;
    };
    for (const service of ['api', 'llm']) {
      expect(Object.keys(compose.services[service].environment ?? {})).toEqual(
        expect.arrayContaining(['LLM_OPENAI_BASE_URL', 'HF_TOKEN', 'HF_ENDPOINT_URL']),
      );
    }
  });
});

describe('README', () => {
  it('documents every configuration variable', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(ENVIRONMENT_VARIABLES.filter((name) => !readme.includes(`| \`${name}\` |`))).toEqual([]);
  });
});
