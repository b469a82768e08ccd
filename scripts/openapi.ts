/**
 * `npm run clients`: writes the app's OpenAPI document to clients/typescript/openapi.json and its types to
 * clients/typescript/schema.d.ts. The app is compiled with tsc first (tsx's esbuild emits no decorator metadata, which
 * Nest's injector and @nestjs/swagger read) into node_modules/.cache, and built with the api role only against a
 * throwaway embedded Valkey (the app's Valkey provider connects while the app is built), stopped and removed after.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLIENT_DIR, renderClientFiles } from './openapi-clients.js';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'node_modules/.cache/skein-openapi');

rmSync(out, { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', out], {
  cwd: root,
  stdio: 'inherit',
});
copyAssets(join(root, 'src'), out);

const { createApp, openApiDocument } = (await import(
  pathToFileURL(join(out, 'app.factory.js')).href
)) as typeof import('../src/app.factory.js');
const { loadConfig } = (await import(
  pathToFileURL(join(out, 'config/config.js')).href
)) as typeof import('../src/config/config.js');

const { EmbeddedValkey } = (await import(
  pathToFileURL(join(out, 'valkey/embedded-valkey.js')).href
)) as typeof import('../src/valkey/embedded-valkey.js');

const dataDir = mkdtempSync(join(tmpdir(), 'skein-openapi-'));
const valkey = new EmbeddedValkey({ dataDir, appendOnly: false });
await valkey.start();
const app = await createApp(
  loadConfig({ ROLES: 'api', VALKEY_URL: valkey.url, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }),
);
try {
  const files = await renderClientFiles(openApiDocument(app));
  mkdirSync(join(root, CLIENT_DIR), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(root, CLIENT_DIR, name), text);
    process.stdout.write(`wrote ${CLIENT_DIR}/${name}\n`);
  }
} finally {
  await app.close();
  await valkey.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The files the app reads beside its code (Lua scripts, the page, data), as nest-cli.json's assets. */
function copyAssets(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) copyAssets(source, join(to, entry.name));
    else if (/\.(lua|html|json|jsonl)$/.test(entry.name)) cpSync(source, join(to, entry.name));
  }
}
