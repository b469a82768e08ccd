// Regenerates the invented corpora: node scripts/corpus/generate.mjs
// Training and sample corpora are written from DISJOINT story archetypes, so the sample corpus is an honest
// out-of-template check for a classifier trained on the training corpus.
import { writeFileSync } from 'node:fs';
import { COMMON_POOLS, mulberry32, writeArticle } from './engine.mjs';

const TOPICS = ['politics', 'business', 'technology', 'sports', 'health', 'climate', 'science', 'education', 'entertainment', 'finance'];
const TRAINING_PER_TOPIC = 55;
const SAMPLE_PER_TOPIC = 42;

const SOURCES = [
  { name: 'Harbor Ledger', domain: 'harborledger.example' },
  { name: 'Northfield Courier', domain: 'northfieldcourier.example' },
  { name: 'The Meridian Post', domain: 'meridianpost.example' },
  { name: 'Skein Wire', domain: 'wire.skein.example' },
  { name: 'Coastline Daily', domain: 'coastlinedaily.example' },
  { name: 'Atlas Bulletin', domain: 'atlasbulletin.example' },
  { name: 'Granite City Times', domain: 'granitecitytimes.example' },
  { name: 'Evening Lantern', domain: 'eveninglantern.example' },
];

const topics = await Promise.all(TOPICS.map(async (name) => ({ name, ...(await import(`./topics/${name}.mjs`)).default })));

function generate(corpus, perTopic, minSentences, maxSentences, seed) {
  const rand = mulberry32(seed);
  const titles = new Set();
  const out = [];
  for (const topic of topics) {
    const stories = topic[corpus];
    const pools = { ...COMMON_POOLS, ...topic.pools };
    for (let i = 0; i < perTopic; i++) {
      const story = stories[i % stories.length];
      for (let attempt = 0; ; attempt++) {
        const article = writeArticle(story, rand, pools, minSentences, maxSentences, attempt >= 20);
        if (!titles.has(article.title.toLowerCase())) {
          titles.add(article.title.toLowerCase());
          out.push({ ...article, topic: topic.name });
          break;
        }
        if (attempt > 200) throw new Error(`cannot find a fresh title for ${topic.name}: ${story.t[0]}`);
      }
    }
  }
  return { out, rand };
}

function shuffle(items, rand) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const slug = (title) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60).replace(/-$/, '');

const training = generate('train', TRAINING_PER_TOPIC, 2, 4, 20250101);
shuffle(training.out, training.rand);
writeFileSync(
  new URL('../../src/news/corpus/training.jsonl', import.meta.url),
  training.out.map((a) => JSON.stringify({ title: a.title, body: a.body, topic: a.topic })).join('\n') + '\n',
);

const sample = generate('sample', SAMPLE_PER_TOPIC, 3, 6, 20250714);
const start = Date.UTC(2025, 0, 6);
const span = Date.UTC(2025, 9, 31) - start;
const dated = sample.out
  .map((a) => ({ ...a, at: start + Math.floor(sample.rand() * span / 60000) * 60000, source: SOURCES[Math.floor(sample.rand() * SOURCES.length)] }))
  .sort((a, b) => a.at - b.at);
writeFileSync(
  new URL('../../src/modules/ingest/sample/articles.jsonl', import.meta.url),
  dated
    .map((a, i) => {
      const id = `sample-${String(i + 1).padStart(4, '0')}`;
      const day = new Date(a.at).toISOString().slice(0, 10).replace(/-/g, '/');
      return JSON.stringify({
        id,
        title: a.title,
        body: a.body,
        source: a.source.name,
        url: `https://${a.source.domain}/${a.topic}/${day}/${slug(a.title)}-${i + 1}`,
        published_at: new Date(a.at).toISOString(),
        topic_hint: a.topic,
      });
    })
    .join('\n') + '\n',
);

// Guard the "no shared texts" promise: no sentence of the sample corpus may occur in the training corpus.
const splitSentences = (text) => text.split(/(?<=[.!?]["”]?)\s+(?=[A-Z"“])/);
const trainingSentences = new Set(training.out.flatMap((a) => [a.title, ...splitSentences(a.body)]));
const shared = sample.out.flatMap((a) => [a.title, ...splitSentences(a.body)]).filter((s) => trainingSentences.has(s));
if (shared.length > 0) throw new Error(`sample corpus shares ${shared.length} sentences with training, e.g. ${shared[0]}`);
console.log(`training: ${training.out.length} articles, sample: ${sample.out.length} articles, shared sentences: 0`);
