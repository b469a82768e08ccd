import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Valkey } from 'iovalkey';
import { TokenSigner } from '../src/auth/token-signer.js';
import { json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/** What the access check costs per request (bench/auth.ts measures it): the same answers, less work. */
describe('access on the hot path', () => {
  let valkey: TestValkey;
  let app: TestApp;

  beforeAll(async () => {
    valkey = await TestValkey.start();
    app = await startTestApp(valkey.url, { AUTH_DISABLED: 'false', AUTH_ADMIN_KEY: ADMIN_KEY });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
  });

  it('counts the request budget on its own direct connection, not the auto-pipelined command one', async () => {
    const res = await json(`${app.url}/auth/keys`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const admin = new Valkey(valkey.url);
    try {
      const names = ((await admin.client('LIST')) as string).match(/name=\S+/g) ?? [];
      expect(names).toContain('name=skein:rate-limits');
      // The budget was spent (one shared count in Valkey): the limiter's key exists.
      expect(await admin.keys('*requests*')).not.toHaveLength(0);
    } finally {
      admin.disconnect();
    }
  });

  it('trusts a token verified a moment ago without checking its signature again, for its audience only', async () => {
    const signer = app.app.get(TokenSigner);
    const { token } = await signer.sign('user', 'u-cached', 3600);
    expect(await signer.verify(token, 'user')).toBe('u-cached');
    // The key lookup jose makes for every signature check.
    const lookups = jest.spyOn(signer as unknown as { secret: (kid: string) => Promise<unknown> }, 'secret');
    try {
      expect(await signer.verify(token, 'user')).toBe('u-cached');
      expect(lookups).not.toHaveBeenCalled();
      expect(await signer.verify(token, 'viewer')).toBeUndefined();
    } finally {
      lookups.mockRestore();
    }
  });

  it('refuses a cached token once it expires, though it was verified less than a second before', async () => {
    const signer = app.app.get(TokenSigner);
    // Expiry is in whole seconds: two seconds from now is at least one, so a slow machine still verifies it in time.
    const { token, expiresAt } = await signer.sign('user', 'u-expiring', 2);
    const until = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));
    // Verified (and cached) half a second before it expires...
    await until(expiresAt.getTime() - 500);
    expect(await signer.verify(token, 'user')).toBe('u-expiring');
    // ...and asked again just past its expiry, within the cache's second.
    await until(expiresAt.getTime() + 20);
    expect(await signer.verify(token, 'user')).toBeUndefined();
  });
});
