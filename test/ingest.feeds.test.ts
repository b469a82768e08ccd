import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeedPoller } from '../src/modules/ingest/feed-poller.js';
import { json, startTestApp, type TestApp } from './support/app.js';
import { keysMatching } from './support/store-nodes.js';
import { startStore, TOPOLOGY, type TestStore } from './support/topology.js';

// Per file: jest takes testTimeout only from the root config, not a project's (a cluster start takes seconds).
jest.setTimeout(60000);

describe(`RSS/Atom poller (${TOPOLOGY})`, () => {
  let store: TestStore;
  let app: TestApp;
  let server: Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const file = req.url === '/feed.atom' ? 'feed.atom.xml' : req.url === '/feed.rss' ? 'feed.rss.xml' : undefined;
      if (!file) return void res.writeHead(404).end();
      res.setHeader('content-type', 'application/xml');
      res.end(readFileSync(new URL(`./fixtures/${file}`, import.meta.url)));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = await startStore();
    // ROLES=api: nothing consumes news_raw, and the timer-driven poller stays off; the test polls by hand.
    app = await startTestApp(store.url, {
      ...store.env,
      ROLES: 'api',
      INGEST_FEEDS: `${base}/feed.rss,${base}/feed.atom,${base}/gone`,
    });
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
    server.close();
  });

  it('yields each item once across two polls of the same feeds', async () => {
    const poller = app.app.get(FeedPoller);
    expect(await poller.pollAll()).toBe(5);
    expect(await poller.pollAll()).toBe(0);
    const client = store.client();
    const entries = await client.xrange('news_raw', '-', '+');
    expect(entries).toHaveLength(5);
    const titles = entries.map(([, fields]) => fields[fields.indexOf('title') + 1]).sort();
    expect(titles).toEqual([
      'Clinic extends flu vaccine hours',
      'Council approves new ferry timetable',
      'Gene therapy trial reports durable results',
      'Harbour United win the coastal cup final',
      'Telescope spots water vapour on a distant exoplanet',
    ]);
    const ferry = entries.find(([, f]) => f.includes('Council approves new ferry timetable'))![1];
    expect(ferry[ferry.indexOf('source') + 1]).toBe('Harbour Gazette');
    expect(ferry[ferry.indexOf('url') + 1]).toBe('https://harbour.example/ferry');
    expect(ferry[ferry.indexOf('body') + 1]).toContain('evening sailings');
    // A feed that fails (404) is skipped without stopping the others.
    expect(hits).toContain('/gone');
  });
});

describe(`RSS/Atom poller over time and at size (${TOPOLOGY})`, () => {
  let store: TestStore;
  let app: TestApp;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/huge.rss') {
        // A feed that never ends (or is far too big): 1 MiB chunks for as long as the reader takes them.
        res.setHeader('content-type', 'application/xml');
        const chunk = Buffer.alloc(1024 * 1024, ' ');
        res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>');
        let sent = 0;
        const more = (): void => {
          while (sent++ < 64) if (!res.write(chunk)) return void res.once('drain', more);
          res.end('</channel></rss>');
        };
        more();
        return;
      }
      res.setHeader('content-type', 'application/xml');
      res.end(readFileSync(new URL('./fixtures/feed.rss.xml', import.meta.url)));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = await startStore();
    app = await startTestApp(store.url, {
      ...store.env,
      ROLES: 'api',
      INGEST_FEEDS: `${base}/huge.rss,${base}/feed.rss`,
    });
  });

  afterAll(async () => {
    await app?.close();
    await store?.stop();
    server.closeAllConnections();
    server.close();
  });

  it('an item a feed keeps offering is not accepted again once its first dedupe mark would have expired', async () => {
    const poller = app.app.get(FeedPoller);
    const client = store.client();
    const accepted = await poller.poll(`${base}/feed.rss`);
    expect(accepted).toBeGreaterThan(0);
    const marks = await keysMatching(client, 'article_accepted:*');
    expect(marks).toHaveLength(accepted);
    // The marks are about to expire (as after ARTICLE_TTL_DAYS) while the feed still lists the items ...
    for (const mark of marks) await client.pexpire(mark, 200);
    expect(await poller.poll(`${base}/feed.rss`)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // ... and the next poll, past the first marks' life, still finds every item known.
    expect(await poller.poll(`${base}/feed.rss`)).toBe(0);
    expect(await client.xlen('news_raw')).toBe(accepted);
  });

  // A cluster holds no marks from before the rename (their old names are in other slots than news_raw).
  (TOPOLOGY === 'cluster' ? it.skip : it)(
    'an id marked under the mark’s old name (article_accepted:{id}, before it shared news_raw’s slot) is still one article',
    async () => {
      const client = store.client();
      await client.set('article_accepted:legacy-1', '1', 'EX', 60);
      const length = await client.xlen('news_raw');
      const body = { id: 'legacy-1', title: 'Ferry timetable', body: 'Evening sailings are back.' };
      expect((await json(`${app.url}/articles`, { body })).status).toBe(202);
      expect(await client.xlen('news_raw')).toBe(length);
      expect(await client.exists('article_accepted:{news_raw}:legacy-1')).toBe(1);
    },
  );

  it('refuses a feed response over 10 MiB, naming the limit, without stopping the other feeds', async () => {
    const poller = app.app.get(FeedPoller);
    await expect(poller.poll(`${base}/huge.rss`)).rejects.toThrow(/10 MiB/);
    expect(await poller.pollAll()).toBe(0); // the RSS feed's items are known; the huge one fails alone
  });
});
