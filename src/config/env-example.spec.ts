import { readFileSync } from 'node:fs';
import { ENVIRONMENT_VARIABLES, loadConfig } from './config.js';
import { EnvironmentVariables } from './env.schema.js';

/** `.env.example` as [name, value, the comment line above it] for each `NAME=value` line. */
function entries(): [name: string, value: string, comment: string][] {
  const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');
  const found: [string, string, string][] = [];
  lines.forEach((line, i) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) found.push([match[1], match[2], i > 0 ? lines[i - 1] : '']);
  });
  return found;
}

describe('.env.example', () => {
  const names = entries().map(([name]) => name);

  it('lists every variable the schema declares', () => {
    expect(ENVIRONMENT_VARIABLES.filter((name) => !names.includes(name))).toEqual([]);
  });

  it('lists no variable the schema does not declare, and none twice', () => {
    expect(names.filter((name) => !ENVIRONMENT_VARIABLES.includes(name))).toEqual([]);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('gives each its schema default (or nothing: unset) under a one-line comment', () => {
    const defaults = new EnvironmentVariables() as unknown as Record<string, string | number | boolean | undefined>;
    const wrong = entries()
      .filter(([name, value, comment]) => {
        const given = value !== '' && value !== String(defaults[name] ?? '');
        return given || !/^# \S/.test(comment);
      })
      .map(([name, value]) => `${name}=${value} (default ${String(defaults[name] ?? '')})`);
    expect(wrong).toEqual([]);
  });

  it('is a valid configuration as it stands', () => {
    expect(() => loadConfig(Object.fromEntries(entries().map(([name, value]) => [name, value])))).not.toThrow();
  });
});
