import { afterEach, describe, expect, it } from '@jest/globals';
import { json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

const article = (id: string) => ({ id, title: `Durable ${id}`, body: `The bank kept its main rate (${id}).` });

describe('INGEST_WAITAOF: a 202 means the article is fsynced to the append-only file', () => {
  let valkey: TestValkey | undefined;
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.close();
    await valkey?.stop();
    app = valkey = undefined;
  });

  it('with appendfsync everysec, every article answered 202 is still there after a kill -9 of Valkey right after', async () => {
    valkey = await TestValkey.start({ appendOnly: true, appendFsync: 'everysec' });
    app = await startTestApp(valkey.url, { ROLES: 'api', INGEST_WAITAOF: 'true' });
    const accepted: string[] = [];
    // 10 concurrent producers, 300 articles, single and batch routes; Valkey dies the moment the last 202 arrives.
    const ids = Array.from({ length: 300 }, (_, i) => `dur-${i}`);
    await Promise.all(
      Array.from({ length: 10 }, async (_, w) => {
        for (let i = w; i < ids.length; i += 10) {
          const res =
            i % 3 === 0
              ? await json(`${app!.url}/articles/batch`, { body: { articles: [article(ids[i])] } })
              : await json(`${app!.url}/articles`, { body: article(ids[i]) });
          if (res.status === 202) accepted.push(ids[i]);
        }
      }),
    );
    await valkey.kill9AndRestart(0);

    const client = valkey.client();
    const entries = (await client.xrange('news_raw', '-', '+')) as [string, string[]][];
    const inStream = new Set(entries.map(([, fields]) => fields[fields.indexOf('id') + 1]));
    const lost = accepted.filter((id) => !inStream.has(id));
    expect({ accepted: accepted.length, lost }).toEqual({ accepted: 300, lost: [] });
  });

  it('answers 503 with Retry-After, naming WAITAOF, when the server never confirms an fsync (appendfsync no)', async () => {
    valkey = await TestValkey.start({ appendOnly: true, appendFsync: 'no' });
    app = await startTestApp(valkey.url, {
      ROLES: 'api',
      INGEST_WAITAOF: 'true',
      INGEST_WAITAOF_TIMEOUT_MS: '200',
    });
    for (const res of [
      await json<{ message: string }>(`${app.url}/articles`, { body: article('nofsync-1') }),
      await json<{ message: string }>(`${app.url}/articles/batch`, { body: { articles: [article('nofsync-2')] } }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body.message).toContain('INGEST_WAITAOF');
    }
  });

  it('without INGEST_WAITAOF the same server answers 202 at once', async () => {
    valkey = await TestValkey.start({ appendOnly: true, appendFsync: 'no' });
    app = await startTestApp(valkey.url, { ROLES: 'api' });
    expect((await json(`${app.url}/articles`, { body: article('plain-1') })).status).toBe(202);
  });
});
