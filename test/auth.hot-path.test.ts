import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Valkey } from 'iovalkey';
import { ApiKeyRepository } from '../src/auth/api-keys.repository.js';
import { TokenSigner } from '../src/auth/token-signer.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

  it('refreshes a key in steady use in the background, so no request waits for Valkey, and forgets it when revoked', async () => {
    const keys = app.app.get(ApiKeyRepository);
    const { id, key } = await keys.create('steady', ['ingest']);
    const admin = new Valkey(valkey.url);
    try {
      let answered: unknown = 'not tried';
      // A loaded machine may oversleep past the refreshed record's second: then the sequence is tried again.
      for (let attempt = 0; attempt < 3 && answered === 'not tried'; attempt++) {
        expect((await keys.verify(key))?.id).toBe(id); // looked up (or cached)
        await sleep(1050); // the record is now past its second unless refreshed
        expect((await keys.verify(key))?.id).toBe(id); // looked up afresh
        await sleep(550); // past half its second: the next verify answers from the cache and refreshes it
        expect((await keys.verify(key))?.id).toBe(id);
        const refreshedAt = Date.now();
        await sleep(550); // past the looked-up record's second, inside the refreshed one's
        if (Date.now() - refreshedAt > 900) continue;
        // Valkey answers nobody for 1.5 s: a verify that waited for a lookup would still be waiting at 300 ms.
        await admin.client('PAUSE', 1500, 'ALL');
        answered = await Promise.race([keys.verify(key), sleep(300).then(() => 'waited')]);
        await admin.client('UNPAUSE');
      }
      expect((answered as { id?: string } | undefined)?.id).toBe(id);
      expect(await keys.revoke(id)).toBe(true);
      expect(await keys.verify(key)).toBeUndefined();
    } finally {
      await admin.client('UNPAUSE').catch(() => undefined);
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

  it('answers a token verified over a second ago at once while one check in the background runs, and refuses it once that check fails', async () => {
    const signer = app.app.get(TokenSigner);
    const { token } = await signer.sign('user', 'u-stale', 3600);
    expect(await signer.verify(token, 'user')).toBe('u-stale');
    await sleep(1100); // past the verified token's second
    // Its key gone (as if dropped) and the lookup slow: a request that waited for the check would be refused, late.
    let release!: () => void;
    const gone = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    const lookups = jest
      .spyOn(signer as unknown as { secret: (kid: string) => Promise<unknown> }, 'secret')
      .mockImplementation(() => gone);
    try {
      expect(await Promise.race([signer.verify(token, 'user'), sleep(300).then(() => 'waited')])).toBe('u-stale');
      expect(await signer.verify(token, 'user')).toBe('u-stale'); // the check in flight is shared, not repeated
      expect(lookups).toHaveBeenCalledTimes(1);
      release();
      await eventually(async () => (await signer.verify(token, 'user')) === undefined);
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
