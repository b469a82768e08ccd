import { createHash } from 'node:crypto';

/**
 * What an article id may be: it is part of keys (`article:{id}`) and of URLs (`GET /articles/{id}`), so letters,
 * digits, . _ : - only, and not `.` or `..` (which URL clients resolve away).
 */
export const ARTICLE_ID_PATTERN = /^(?!\.\.?$)[A-Za-z0-9._:-]{1,128}$/;
export const ARTICLE_ID_RULE = 'id must be 1-128 characters of letters, digits, . _ : - (and not . or ..)';

/** A stable id for an article without one: a hash of its url, or of source + title. */
export function articleIdFor(article: { id?: string; url?: string; source?: string; title: string }): string {
  if (article.id) return article.id;
  const basis = article.url ? `url:${article.url}` : `st:${article.source ?? ''}\n${article.title}`;
  return hashId(basis);
}

/**
 * The id of a re-sent copy of an article (a later replay pass, a new demo run), so it is a new article: its own id
 * with `.{tag}` appended, or a hash of that when it would be too long. `tag` is made of id characters.
 */
export function copyId(article: { id?: string; url?: string; source?: string; title: string }, tag: string): string {
  const id = `${articleIdFor(article)}.${tag}`;
  return ARTICLE_ID_PATTERN.test(id) ? id : hashId(id);
}

function hashId(basis: string): string {
  return createHash('sha1').update(basis).digest('hex').slice(0, 16);
}
