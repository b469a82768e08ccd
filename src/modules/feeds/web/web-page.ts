import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface WebPage {
  html: string;
  /** Allows only this page's own inline script and style (by hash) and same-origin requests and sockets. */
  contentSecurityPolicy: string;
}

/** Reads `index.html` (one file: markup, inline style and script; the build copies `.html` assets) once. */
export function loadWebPage(file = new URL('./index.html', import.meta.url)): WebPage {
  const html = readFileSync(file, 'utf8');
  const hashes = (tag: 'script' | 'style'): string[] =>
    [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
      ([, body]) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`,
    );
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'self' ${hashes('script').join(' ')}`,
    `style-src ${hashes('style').join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
