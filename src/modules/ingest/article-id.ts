import { createHash } from 'node:crypto';

/** A stable id for an article without one: a hash of its url, or of source + title. */
export function articleIdFor(article: { id?: string; url?: string; source?: string; title: string }): string {
  if (article.id) return article.id;
  const basis = article.url ? `url:${article.url}` : `st:${article.source ?? ''}\n${article.title}`;
  return createHash('sha1').update(basis).digest('hex').slice(0, 16);
}
