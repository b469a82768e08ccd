import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// STYLE.md: what several modules share lives in one domain folder (src/news/); stage modules never import each
// other's files. This spec reads every .ts file under src/modules and names any that does.

const MODULES = dirname(fileURLToPath(import.meta.url));
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function moduleOf(path: string): string | undefined {
  const inside = relative(MODULES, path);
  if (inside.startsWith('..') || !inside.includes(sep)) return undefined;
  return inside.split(sep)[0];
}

/** The relative imports of `file` (path under src/modules) that land in another module's folder. */
export function crossModuleImports(file: string, source: string): string[] {
  const own = moduleOf(file);
  if (own === undefined) return [];
  const crossings: string[] = [];
  for (const [, specifier] of source.matchAll(SPECIFIER)) {
    if (!specifier.startsWith('.')) continue;
    const target = moduleOf(resolve(dirname(file), specifier));
    if (target !== undefined && target !== own) crossings.push(specifier);
  }
  return crossings;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('module boundaries', () => {
  it('finds an import of a sibling module, static or dynamic, and allows its own folder and shared folders', () => {
    const file = join(MODULES, 'feeds', 'feed.service.ts');
    const source = [
      "import { FeedRepository } from '../fanout/feed.repository.js';",
      "import type { X } from '../../modules/classify/topic-classifier.js';",
      "const lazy = await import('../enrich/metadata.js');",
      "import { TOPICS } from '../../news/topics.js';",
      "import { FeedsMetrics } from './feeds.metrics.js';",
      "import { WebModule } from './web/web.module.js';",
      "import { Injectable } from '@nestjs/common';",
    ].join('\n');
    expect(crossModuleImports(file, source)).toEqual([
      '../fanout/feed.repository.js',
      '../../modules/classify/topic-classifier.js',
      '../enrich/metadata.js',
    ]);
    expect(crossModuleImports(join(MODULES, 'feeds', 'web', 'web.module.ts'), "import '../feed.service.js';")).toEqual(
      [],
    );
  });

  it('no file under src/modules/<a>/ imports a file under src/modules/<b>/', () => {
    const files = typeScriptFiles(MODULES);
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((file) =>
      crossModuleImports(file, readFileSync(file, 'utf8')).map(
        (specifier) => `${relative(MODULES, file)} imports ${specifier}`,
      ),
    );
    expect(offenders).toEqual([]);
  });
});
