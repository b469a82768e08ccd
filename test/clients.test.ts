import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_OPTIONS, MESSAGE_METADATA } from '@nestjs/websockets/constants.js';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
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
const { FeedsGateway } = await import('../src/modules/feeds/feeds.gateway.js');
const { LlmStreamGateway } = await import('../src/modules/llm-stream/llm-stream.gateway.js');
const { FeedSyncDto } = await import('../src/modules/feeds/feeds.dto.js');
const { JoinStreamDto } = await import('../src/modules/llm-stream/llm-stream.dto.js');

/** The DTO each event a client sends is validated against (src/http/socket-payload.ts). */
const PAYLOAD_DTOS: Record<string, new () => object> = { 'feed:sync': FeedSyncDto, join: JoinStreamDto };

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

  // The document is written by hand; these cases hold it to the code, so a changed socket event or payload fails
  // the build until the document says so (as the OpenAPI clients above do for routes).
  describe.each([
    { address: '/feeds', gateway: FeedsGateway, sources: ['src/modules/feeds', 'src/http/connection-limiter.ts'] },
    {
      address: '/llm',
      gateway: LlmStreamGateway,
      sources: ['src/modules/llm-stream', 'src/http/connection-limiter.ts'],
    },
  ])('the $address channel', ({ address, gateway, sources }) => {
    const document = parse(text) as AsyncApi;
    const operations = Object.values(document.operations).filter(
      (operation) => resolve<{ address: string }>(document, operation.channel.$ref).address === address,
    );
    const messagesOf = (action: 'send' | 'receive'): Message[] =>
      operations
        .filter((operation) => operation.action === action)
        .flatMap((operation) => operation.messages.map((message) => resolve(document, message.$ref)));

    it("is the gateway's namespace, and the events clients send are exactly its @SubscribeMessage handlers", () => {
      expect((Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { namespace: string }).namespace).toBe(address);
      const handlers = Object.getOwnPropertyNames(gateway.prototype)
        .map((method): unknown =>
          Reflect.getMetadata(MESSAGE_METADATA, (gateway.prototype as unknown as Record<string, object>)[method]),
        )
        .filter((name): name is string => typeof name === 'string');
      expect(handlers.length).toBeGreaterThan(0);
      expect(new Set(messagesOf('send').map((message) => message.name))).toEqual(new Set(handlers));
    });

    it('declares each sent payload as its DTO validates it (the same fields, the same required ones)', () => {
      for (const message of messagesOf('send')) {
        const dto = PAYLOAD_DTOS[message.name];
        expect(dto).toBeDefined();
        const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
        const fields = new Set(rules.map((rule) => rule.propertyName));
        const optional = new Set(
          rules.filter((rule) => rule.type === ValidationTypes.CONDITIONAL_VALIDATION).map((rule) => rule.propertyName),
        );
        expect(new Set(Object.keys(message.payload.properties ?? {}))).toEqual(fields);
        expect(new Set(message.payload.required ?? [])).toEqual(new Set([...fields].filter((f) => !optional.has(f))));
        expect(message.payload.additionalProperties).toBe(false);
      }
    });

    it('the events clients receive are exactly the ones the code emits on the namespace', () => {
      const emitted = new Set<string>();
      for (const source of sources) {
        const path = new URL(source, root);
        const files = source.endsWith('.ts')
          ? [path]
          : readdirSync(path, { recursive: true, encoding: 'utf8' })
              .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
              .map((name) => new URL(`${source}/${name}`, root));
        for (const file of files)
          for (const match of readFileSync(file, 'utf8').matchAll(/\.emit\('([^']+)'/g)) emitted.add(match[1]);
      }
      expect(emitted.size).toBeGreaterThan(0);
      expect(new Set(messagesOf('receive').map((message) => message.name))).toEqual(emitted);
    });
  });
});

interface Message {
  name: string;
  payload: { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: boolean };
}
interface AsyncApi {
  operations: Record<string, { action: 'send' | 'receive'; channel: { $ref: string }; messages: { $ref: string }[] }>;
}

/** Follows `$ref`s ('#/a/b') through the document until a node that is not one. */
function resolve<T>(document: unknown, ref: string): T {
  const node = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], document) as { $ref?: string };
  return node.$ref === undefined ? (node as T) : resolve<T>(document, node.$ref);
}
