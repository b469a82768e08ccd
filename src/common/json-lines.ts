import { readFileSync } from 'node:fs';

/**
 * Reads a JSON-lines file, handing each object to `read`; a line that is not a JSON object, or that `read` rejects by
 * returning a string, throws with the file and line number.
 */
export function readJsonLines<T>(path: string | URL, read: (row: Record<string, unknown>) => T | string): T[] {
  const out: T[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new Error(`${String(path)}:${i + 1}: not JSON`);
      }
      if (!row || typeof row !== 'object' || Array.isArray(row))
        throw new Error(`${String(path)}:${i + 1}: not an object`);
      const value = read(row as Record<string, unknown>);
      if (typeof value === 'string') throw new Error(`${String(path)}:${i + 1}: ${value}`);
      out.push(value);
    });
  return out;
}
