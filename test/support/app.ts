import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp, startApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { freePort } from '../../src/valkey/embedded-valkey.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  close(): Promise<void>;
}

/** The real Nest app in this process, on a free loopback port, against the given Valkey; workers started as in main. */
export async function startLocalApp(valkeyUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  const port = await freePort();
  const config = loadConfig({
    VALKEY_URL: valkeyUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_FORMAT: 'json',
    ...env,
  });
  const app = await createApp(config);
  await startApp(app, config);
  return { app, config, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * The app for a test: quiet logs and short blocking reads, so workers notice a stop quickly. It runs as the loopback
 * sandbox (AUTH_DISABLED) unless the test sets AUTH_DISABLED=false: the access tests (test/auth.*.test.ts) hold
 * every route and socket to its rule; the other tests are about what happens behind the door.
 */
export function startTestApp(valkeyUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  return startLocalApp(valkeyUrl, { LOG_LEVEL: 'warn', STREAM_BLOCK_MS: '200', AUTH_DISABLED: 'true', ...env });
}

export async function json<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

/** Polls until `check` returns a truthy value or the time is up; returns that value. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10000,
  everyMs = 50,
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, undefined | null | false>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `condition not met within ${timeoutMs} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
