import fc from 'fast-check';
import { fastestMs } from '../../../test/support/hostile-text.js';
import { stripHtml } from './strip-html.js';

/** rss-parser 3.13's own stripHtml (lib/utils.js), the reference. */
function regexStripHtml(str: string): string {
  str = str.replace(/([^\n])<\/?(h|br|p|ul|ol|li|blockquote|section|table|tr|div)(?:.|\n)*?>([^\n])/gm, '$1\n$3');
  return str.replace(/<(?:.|\n)*?>/gm, '');
}

describe('stripHtml', () => {
  it('gives what rss-parser gives on feed HTML', () => {
    for (const html of [
      '<p>Rates <b>held</b> at 4%.</p><p>Markets rose.</p>',
      'One<br/>two<br>\nthree<div class="x">four</div>five',
      '<h2>Title</h2>\n<ul><li>a</li><li>b</li></ul>end',
      'a < b and c > d',
      'no tags at all',
      '<table><tr><td>1</td></tr></table>',
    ]) {
      expect(stripHtml(html)).toBe(regexStripHtml(html));
    }
  });

  it('gives what rss-parser gives on any text of tags, slashes and line terminators', () => {
    const alphabet = ['<', '>', '/', '\n', '\r', '\u2028', 'p', 'h', 'b', 'r', 't', 'l', 'i', 'd', 'v', 'x', ' '];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }), (chars) => {
        const html = chars.join('');
        expect(stripHtml(html)).toBe(regexStripHtml(html));
      }),
      { numRuns: 10_000 },
    );
  });

  it.each([
    ['unclosed <', '<'.repeat(100_000)],
    ['unclosed block tags', 'a<p'.repeat(33_000)],
    ['tags each closed before a newline only', 'a<p>\n'.repeat(20_000)],
    ['tags cut by carriage returns', '<\r'.repeat(50_000) + '>'],
  ])('strips 100 KB of %s within 50 ms', (_, html) => {
    expect(fastestMs(() => stripHtml(html), 50)).toBeLessThan(50);
  });
});
