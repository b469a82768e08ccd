import { loadConfig } from '../src/config/config.js';
import { json } from './support/app.js';
import { configError } from './support/config.js';
import { spawnApp } from './support/process.js';
import { TestValkey } from './support/valkey.js';

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

describe('LOG_FORMAT', () => {
  it('defaults to pretty, to json under NODE_ENV=production, and an explicit value wins', () => {
    expect(loadConfig({}).env.LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'development' }).env.LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }).env.LOG_FORMAT).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).env.LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).env.LOG_FORMAT).toBe('json');
  });

  it('refuses another format, naming the variable', () => {
    expect(configError({ LOG_FORMAT: 'xml' })).toMatch(/LOG_FORMAT="xml": LOG_FORMAT must be one of .*pretty, json/);
  });

  describe('in a running app', () => {
    let valkey: TestValkey;
    beforeAll(async () => {
      valkey = await TestValkey.start();
    });
    afterAll(async () => {
      await valkey.stop();
    });

    /** The non-empty output lines of an api replica that started, answered one request and stopped. */
    async function linesOf(format: string): Promise<string[]> {
      const app = await spawnApp({ ROLES: 'api', VALKEY_URL: valkey.url, LOG_LEVEL: 'info', LOG_FORMAT: format });
      try {
        expect((await json(`${app.url}/users/log-format-reader`)).status).toBe(200);
      } finally {
        await app.stop();
      }
      return app
        .output()
        .split('\n')
        .filter((line) => line.trim() !== '');
    }

    it('pretty writes one human line per entry: time, level, [context] message; a request with method, url, status', async () => {
      const lines = await linesOf('pretty');
      expect(lines.filter(parses)).toEqual([]);
      expect(lines).toContainEqual(
        expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Skein\] listening on http:\/\/127\.0\.0\.1:\d+ /),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^\[[\d:.]+\] INFO: request completed GET \/users\/log-format-reader 200 \d+ ms$/),
      );
    });

    it('json writes JSON lines with pino fields', async () => {
      const lines = await linesOf('json');
      expect(lines.filter((line) => !parses(line))).toEqual([]);
      const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; context?: string });
      expect(entries).toContainEqual(
        expect.objectContaining({ level: 30, context: 'Skein', msg: expect.stringMatching(/^listening on /) }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({
          level: 30,
          msg: 'request completed',
          req: expect.objectContaining({ method: 'GET', url: '/users/log-format-reader' }),
        }),
      );
    });
  });
});
