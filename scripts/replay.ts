// Streams the sample corpus, or any JSON-lines file of articles, into news_raw at a steady rate.
//   npm run replay -- --rate 250                      through the REST API at http://localhost:3000
//   npm run replay -- --file my.jsonl --api http://host:3000
//   npm run replay -- --valkey redis://localhost:6379  straight into news_raw with XADD, as any producer may
import { Valkey } from 'iovalkey';
import { parseArgs } from 'node:util';
import { articleIdFor } from '../src/news/article-id.js';
import type { ArticleDto } from '../src/modules/ingest/article.dto.js';
import { readArticles, replay, SAMPLE_CORPUS } from '../src/modules/ingest/replay.js';
import { Keys } from '../src/valkey/keys.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '250' },
    file: { type: 'string' },
    api: { type: 'string', default: 'http://localhost:3000' },
    valkey: { type: 'string' },
    prefix: { type: 'string', default: '' },
    passes: { type: 'string', default: '1' },
  },
});

const articles = readArticles(values.file ?? SAMPLE_CORPUS);
const rate = Number(values.rate);
const passes = Number(values.passes);
if (!(rate > 0) || !(passes >= 0)) throw new Error('--rate must be > 0 and --passes >= 0');

let send: (batch: ArticleDto[]) => Promise<unknown>;
let close = (): Promise<void> => Promise.resolve();
if (values.valkey) {
  const client = new Valkey(values.valkey);
  const keys = new Keys(values.prefix);
  send = async (batch) => {
    const pipeline = client.pipeline();
    for (const article of batch) {
      const fields = ['id', articleIdFor(article), 'title', article.title, 'body', article.body];
      for (const key of ['url', 'source', 'published_at'] as const) if (article[key]) fields.push(key, article[key]);
      pipeline.xadd(keys.newsRaw, '*', ...fields, 'ingested_at', String(Date.now()));
    }
    await pipeline.exec();
  };
  close = async () => void (await client.quit());
} else {
  send = async (batch) => {
    for (;;) {
      const res = await fetch(`${values.api}/articles/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ articles: batch }),
      });
      if (res.status === 503) {
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        continue;
      }
      if (!res.ok) throw new Error(`POST /articles/batch answered ${res.status}: ${await res.text()}`);
      return;
    }
  };
}

const started = Date.now();
let last = 0;
const sent = await replay(articles, send, {
  rate,
  passes,
  onProgress: (n) => {
    if (Date.now() - last > 1000) {
      last = Date.now();
      process.stdout.write(`\rsent ${n} articles`);
    }
  },
});
const seconds = (Date.now() - started) / 1000;
console.log(
  `\rsent ${sent} articles in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s) to ${values.valkey ?? values.api}`,
);
await close();
