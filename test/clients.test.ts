import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as swagger from '@nestjs/swagger';
import { CLIENT_DIR, renderClientFiles } from '../scripts/openapi-clients.js';
import { TestValkey } from './support/valkey.js';

// @nestjs/terminus's @HealthCheck documents /health/live and /health/ready when require('@nestjs/swagger') works, as
// it does under Node; Jest's require cannot load that ES module, so it is handed the real one, imported above. The
// app is imported after, as its decorators run on import.
jest.mock('@nestjs/swagger', () => swagger);
const { createApp, openApiDocument } = await import('../src/app.factory.js');
const { loadConfig } = await import('../src/config/config.js');

const root = new URL('../', import.meta.url);

describe('generated clients (clients/typescript)', () => {
  let valkey: TestValkey;
  let app: NestExpressApplication;
  let dir: string;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await createApp(loadConfig({ ROLES: 'api', VALKEY_URL: valkey.url, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }));
    dir = mkdtempSync(join(tmpdir(), 'skein-clients-'));
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("match the app's current OpenAPI document (a changed route needs `npm run clients` and a commit)", async () => {
    const files = await renderClientFiles(openApiDocument(app));
    expect(Object.keys(files).sort()).toEqual(['openapi.json', 'schema.d.ts']);
    const stale: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      const committed = readFileSync(new URL(`${CLIENT_DIR}/${name}`, root), 'utf8');
      if (readFileSync(join(dir, name), 'utf8') !== committed) stale.push(`${CLIENT_DIR}/${name}`);
    }
    if (stale.length > 0) {
      throw new Error(`${stale.join(', ')} differ from what the app generates now: run \`npm run clients\` and commit`);
    }
  });
});

describe('clients/asyncapi.yaml', () => {
  const text = readFileSync(new URL('clients/asyncapi.yaml', root), 'utf8');

  it('is an AsyncAPI 3.0 document for the /feeds and /llm namespaces whose every $ref resolves', () => {
    const document = parse(text) as { asyncapi: string; channels: Record<string, { address: string }> };
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual(['/feeds', '/llm']);
    const refs = [...text.matchAll(/\$ref: '#\/([^']+)'/g)].map((match) => match[1]);
    expect(refs.length).toBeGreaterThan(10);
    const unresolved = refs.filter(
      (ref) =>
        ref
          .split('/')
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document) === undefined,
    );
    expect(unresolved).toEqual([]);
  });

  it('names the events the gateways emit and handle', () => {
    const names = [...text.matchAll(/^ {6}name: (.+)$/gm)].map((match) => match[1]);
    expect(new Set(names)).toEqual(new Set(['feed:item', 'feed:sync', 'error', 'join', 'token', 'end']));
  });
});
