import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import type { Browser, Page } from 'playwright-core';
import { TOPICS } from '../src/news/topics.js';
import { ValkeyService } from '../src/valkey/valkey.service.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { openPage } from './support/browser.js';
import { TestValkey } from './support/valkey.js';

const ADMIN_KEY = 'web-access-admin-key-0123456789abcdef';
const ADMIN = { authorization: `Bearer ${ADMIN_KEY}` };

// The page with access control on, opened the way `make run`'s links open it: a user token or the admin key in the
// URL fragment, taken into sessionStorage and removed from the address bar before anything is requested.
describe('web page with access control on', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let newsRaw: string;
  let sequence = 0;
  const problems: string[] = [];
  const others: string[] = [];

  const listedIds = (p: Page): Promise<string[]> =>
    p.evaluate<string[]>(`[...document.querySelectorAll('#feed > li')].map((li) => li.dataset.id)`);
  /** Posts an article through the whole pipeline with the admin key (alice follows every topic). */
  const post = async (title: string): Promise<string> => {
    const id = `web-access-${++sequence}`;
    const res = await json(`${app.url}/articles`, {
      method: 'POST',
      headers: ADMIN,
      body: { id, title, body: `${title}. The central bank kept its main interest rate; markets rose on the news.` },
    });
    expect(res.status).toBe(202);
    return id;
  };
  const inAliceFeed = async (id: string): Promise<boolean> => {
    const feed = await json<{ items: { id: string }[] }>(`${app.url}/users/alice/feed?limit=100`, { headers: ADMIN });
    return feed.body.items.some((item) => item.id === id);
  };
  const newPage = async (collected: string[]): Promise<Page> => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    p.on('pageerror', (error) => collected.push(`pageerror: ${error.message}`));
    p.on('console', (message) => {
      if (message.type() === 'error') collected.push(`console: ${message.text()}`);
    });
    return p;
  };

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, {
      ROLES: 'api,classify,enrich,fanout,llm',
      AUTH_DISABLED: 'false',
      AUTH_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'error',
    });
    newsRaw = app.app.get(ValkeyService).keys.newsRaw;
    ({ browser, page } = await openPage({ width: 1280, height: 1100 }, problems));
    const put = await json(`${app.url}/users/alice/topics`, {
      method: 'PUT',
      headers: ADMIN,
      body: { topics: [...TOPICS] },
    });
    expect(put.status).toBe(200);
    expect((await json(`${app.url}/users/alice/feed`, { headers: ADMIN })).status).toBe(200);
  }, 30000);

  afterAll(async () => {
    await page?.screenshot({ path: '/tmp/skein-access.png', fullPage: true }).catch(() => undefined);
    await browser?.close();
    await app?.close();
    await valkey?.stop();
  });

  it('the page tells the browser to send no Referer', async () => {
    const html = await (await fetch(`${app.url}/`)).text();
    expect(html).toContain('<meta name="referrer" content="no-referrer" />');
  });

  it('a demo link (/?user=alice#token=…) drops its fragment, lists the feed and receives a live item', async () => {
    const first = await post('Central bank holds rates');
    await eventually(() => inAliceFeed(first), 20000, 100);
    const minted = await json<{ token: string }>(`${app.url}/auth/user-tokens`, {
      method: 'POST',
      headers: ADMIN,
      body: { user_id: 'alice' },
    });
    expect(minted.status).toBe(201);

    await page.goto(`${app.url}/?user=alice#token=${minted.body.token}`);
    await page.waitForSelector(`#feed > li[data-id="${first}"]`, { timeout: 15000 });
    const url = new URL(page.url());
    expect(url.hash).toBe('');
    expect(page.url()).not.toContain(minted.body.token);
    expect(url.searchParams.get('user')).toBe('alice');
    expect(await page.evaluate<string | null>(`sessionStorage.getItem('skein.userToken')`)).toBe(minted.body.token);

    await page.waitForSelector('#conn.live');
    const live = await post('Markets rally as the central bank signals a pause');
    await page.locator('#refresh', { hasText: /^Refresh \(1\)$/ }).waitFor({ timeout: 20000 });
    await page.click('#refresh');
    expect((await listedIds(page))[0]).toBe(live);
  });

  it('with only a user token, the operator panels say they need an ops key and the token panel an llm key', async () => {
    await page.locator('#pipeline-status', { hasText: 'scope ops' }).waitFor({ timeout: 10000 });
    await page.locator('#dead-status', { hasText: 'scope ops' }).waitFor({ timeout: 10000 });
    await page.click('#llm-start');
    await page.locator('#llm-status', { hasText: 'scope llm' }).waitFor({ timeout: 10000 });
    // The feed keeps working beside them.
    expect(await page.locator('#conn.live').count()).toBe(1);
  });

  it('the operator link (/#key=<admin key>) drops its fragment and shows the dead letters', async () => {
    const title = `No body ${Date.now()}`;
    await client.xadd(newsRaw, '*', 'id', `op-${Date.now()}`, 'title', title);
    const dead = await eventually(async () => {
      const listed = await json<{ entries: { id: string; fields: Record<string, string> }[] }>(
        `${app.url}/dead-letters/classify?limit=100`,
        { headers: ADMIN },
      );
      return listed.body.entries.find((e) => e.fields.title === title) ?? false;
    }, 15000);

    const operator = await newPage(others);
    await operator.goto(`${app.url}/#key=${encodeURIComponent(ADMIN_KEY)}`);
    await operator.locator(`#dead-list > li[data-id="${dead.id}"]`).waitFor({ timeout: 15000 });
    expect(new URL(operator.url()).hash).toBe('');
    expect(operator.url()).not.toContain(ADMIN_KEY);
    expect(await operator.locator(`#dead-list > li[data-id="${dead.id}"] .fields`).innerText()).toContain(
      `title: ${title}`,
    );
    // The stage table is drawn from GET /pipeline/stats (scope ops): the key reached it too.
    await operator.locator('#stages tr[data-stage="classify"]').waitFor({ timeout: 15000 });
    expect(await operator.locator('#pipeline-status').innerText()).toBe('');
    await operator.fill('#prompt', 'Say hello');
    await operator.click('#llm-start');
    await operator.locator('#llm-status', { hasText: 'done' }).waitFor({ timeout: 20000 });
    expect((await operator.locator('#llm-output').innerText()).length).toBeGreaterThan(0);
    await operator.close();
  });

  it('with no credential the page says to open a link printed by make run; a pasted API key opens the panels', async () => {
    const bare: string[] = [];
    const anonymous = await newPage(bare);
    // Failed responses by URL: the console's "Failed to load resource" lines do not name one.
    const failed: string[] = [];
    anonymous.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await anonymous.goto(`${app.url}/?user=alice`);
    await anonymous.locator('#auth-note', { hasText: 'make run' }).waitFor({ timeout: 10000 });
    expect(await anonymous.locator('#auth-note').innerText()).toContain('/auth/user-tokens');

    await anonymous.fill('#key-input', ADMIN_KEY);
    await anonymous.click('#key-use');
    await anonymous.locator('#dead-title', { hasText: 'Dead letters · classify' }).waitFor({ timeout: 10000 });
    expect(await anonymous.locator('#auth-note').isHidden()).toBe(true);
    expect(await anonymous.evaluate<string | null>(`sessionStorage.getItem('skein.apiKey')`)).toBe(ADMIN_KEY);
    expect(await anonymous.evaluate<string | null>(`localStorage.length`)).toBe(0);
    await anonymous.close();
    // The refused requests before the key was pasted are the only failures: 401s, and the polls of the /feeds
    // socket's session that the server closed when it refused the handshake (Socket.IO answers those 400).
    expect(bare.filter((p) => !p.startsWith('console: Failed to load resource'))).toEqual([]);
    expect(failed.filter((f) => !f.startsWith('401 ') && f !== '400 /socket.io/')).toEqual([]);
  });

  it('the pages log no errors and no content security policy violations', () => {
    expect([...problems, ...others]).toEqual([]);
  });
});
