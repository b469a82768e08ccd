import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Valkey } from 'iovalkey';
import type { Browser, Page } from 'playwright-core';
import { ValkeyService } from '../src/valkey/valkey.service.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { openPage } from './support/browser.js';
import { TestValkey } from './support/valkey.js';

const XSS = '<img src=x onerror=window.__pwned=1>';

interface DeadLetter {
  id: string;
  error: string | null;
  stream: string | null;
  fields: Record<string, string>;
}
interface DeadLetterPage {
  length: number;
  entries: DeadLetter[];
  next_after?: string;
}

describe('operator panel on the web page', () => {
  let valkey: TestValkey;
  let client: Valkey;
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let newsRaw: string;
  const dialogs: string[] = [];
  const problems: string[] = [];

  const deadLetters = async (): Promise<DeadLetterPage> =>
    (await json<DeadLetterPage>(`${app.url}/dead-letters/classify?limit=100`)).body;
  /** XADDs a raw entry without a body (classify dead-letters it) and waits for its dead letter. */
  const poison = async (title: string): Promise<DeadLetter> => {
    await client.xadd(newsRaw, '*', 'id', `op-${Date.now()}`, 'title', title);
    return eventually(async () => (await deadLetters()).entries.find((e) => e.fields.title === title) ?? false);
  };
  const item = (id: string) => page.locator(`#dead-list > li[data-id="${id}"]`);
  const listedIds = (): Promise<string[]> =>
    page.evaluate<string[]>(`[...document.querySelectorAll('#dead-list > li')].map((li) => li.dataset.id)`);

  beforeAll(async () => {
    valkey = await TestValkey.start();
    client = valkey.client();
    app = await startTestApp(valkey.url, { ROLES: 'api,classify', LOG_LEVEL: 'error' });
    newsRaw = app.app.get(ValkeyService).keys.newsRaw;
    ({ browser, page } = await openPage({ width: 1280, height: 1200 }, problems));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });
  }, 30000);

  afterAll(async () => {
    await page?.screenshot({ path: '/tmp/skein-operator.png', fullPage: true }).catch(() => undefined);
    await browser?.close();
    await app?.close();
    await valkey?.stop();
  });

  it('lists a dead letter of classify with its error, source stream, deliveries and original fields', async () => {
    const dead = await poison('No body here');
    await page.goto(`${app.url}/`);
    await item(dead.id).waitFor({ timeout: 15000 });
    const row = item(dead.id);
    expect(await row.locator('.error').innerText()).toBe(dead.error);
    expect(dead.error).toBeTruthy();
    expect(await row.locator('.source').innerText()).toContain(`from ${dead.stream}`);
    expect(await row.locator('.deliveries').innerText()).toMatch(/^\d+ deliver(y|ies)$/);
    expect(await row.locator('.fields').innerText()).toContain('title: No body here');
    expect(await page.locator('#dead-title').innerText()).toBe('Dead letters · classify (1)');
    // The stage table follows /pipeline/stats: classify's dead-letter count is 1.
    await eventually(
      async () => (await page.locator('#stages tr[data-stage="classify"] td').last().innerText()).trim() === '1',
      15000,
    );
    expect(await page.locator('#stages tr[data-stage="classify"] small').innerText()).toContain(
      `${newsRaw} · group classifiers`,
    );
  });

  it('Replay puts the entry back on its stream and removes it from dlq:classify', async () => {
    const [dead] = (await deadLetters()).entries;
    const rawBefore = await client.xlen(newsRaw);
    await item(dead.id).locator('button[data-action="replay"]').click();
    await page.locator('#dead-status', { hasText: `Replay ${dead.id}: 1 replayed` }).waitFor({ timeout: 10000 });
    // Back on news_raw with its original fields (classify reads it again: still no body, so it returns as a new id).
    const [[, fields]] = (await client.xrevrange(newsRaw, '+', '-', 'COUNT', 1)) as [string, string[]][];
    expect(await client.xlen(newsRaw)).toBe(rawBefore + 1);
    expect(fields).toEqual(expect.arrayContaining(['title', 'No body here']));
    const after = await eventually(async () => {
      const listed = await deadLetters();
      return listed.entries.length === 1 && listed.entries[0].id !== dead.id ? listed : false;
    });
    expect(after.entries[0].fields.title).toBe('No body here');
    await page.click('#dead-reload');
    await item(after.entries[0].id).waitFor();
    expect(await listedIds()).toEqual([after.entries[0].id]);
  });

  it('Delete asks to confirm, then deletes that one dead letter', async () => {
    const [dead] = (await deadLetters()).entries;
    const asked = dialogs.length;
    await item(dead.id).locator('button[data-action="delete"]').click();
    await page.locator('#dead-status', { hasText: `Delete ${dead.id}: 1 deleted` }).waitFor({ timeout: 10000 });
    expect(dialogs.length).toBe(asked + 1);
    expect(dialogs[asked]).toContain(dead.id);
    expect(await deadLetters()).toMatchObject({ length: 0, entries: [] });
    expect(await listedIds()).toEqual([]);
  });

  it('a dead letter holding markup renders as text, never as an element', async () => {
    const dead = await poison(XSS);
    await page.click('#dead-reload');
    await item(dead.id).waitFor();
    expect(await item(dead.id).locator('.fields').innerText()).toContain(`title: ${XSS}`);
    expect(await page.locator('#dead-list img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('Next page follows next_after; Replay all and Delete all act on the whole stage after a confirm', async () => {
    for (let i = 0; i < 22; i++) await client.xadd(newsRaw, '*', 'id', `bulk-${i}`, 'title', `Bulk ${i}`);
    await eventually(async () => (await deadLetters()).length === 23);
    await page.click('#dead-reload');
    await eventually(async () => (await listedIds()).length === 20);
    const first = await listedIds();
    const rest = (await deadLetters()).entries.slice(20).map((e) => e.id);
    await page.click('#dead-next');
    await eventually(async () => (await listedIds()).join() === rest.join());
    expect(await page.locator('#dead-next').isHidden()).toBe(true);
    expect(first).not.toContain(rest[0]);

    const rawBefore = await client.xlen(newsRaw);
    const asked = dialogs.length;
    await page.click('#dead-replay-all');
    await page.locator('#dead-status', { hasText: 'Replay all: 23 replayed' }).waitFor({ timeout: 10000 });
    expect(dialogs.length).toBe(asked + 1);
    expect(await client.xlen(newsRaw)).toBe(rawBefore + 23);
    // Classify reads them again and dead-letters them again (still no body).
    await eventually(async () => (await deadLetters()).length === 23, 15000);

    await page.click('#dead-reload');
    await eventually(async () => (await listedIds()).length === 20);
    await page.click('#dead-delete-all');
    await page.locator('#dead-status', { hasText: 'Delete all: 23 deleted' }).waitFor({ timeout: 10000 });
    expect(dialogs.length).toBe(asked + 2);
    expect(await deadLetters()).toMatchObject({ length: 0, entries: [] });
    expect(await listedIds()).toEqual([]);
  });

  it('the page logs no errors and no content security policy violations', () => {
    expect(problems).toEqual([]);
  });
});
