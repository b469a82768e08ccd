import { Keys } from '../valkey/keys.js';
import { slotOf } from '../valkey/slots.js';

describe('news pipeline keys on a cluster', () => {
  for (const prefix of ['', 'skein:']) {
    const keys = new Keys(prefix);

    it(`an article's accepted mark shares news_raw's slot (prefix "${prefix}")`, () => {
      for (const id of ['a1b2', 'rss-9f3c', 'x{y}z']) {
        expect(keys.articleAccepted(id).startsWith(prefix)).toBe(true);
        expect(slotOf(keys.articleAccepted(id))).toBe(slotOf(keys.newsRaw));
      }
      expect(keys.articleAccepted('a1b2')).toBe(`${prefix}article_accepted:{${prefix}news_raw}:a1b2`);
    });

    it(`a topic's appended set shares the topic stream's slot (prefix "${prefix}")`, () => {
      expect(keys.topicAppended('technology').startsWith(prefix)).toBe(true);
      expect(slotOf(keys.topicAppended('technology'))).toBe(slotOf(keys.topicStream('technology')));
    });
  }
});
