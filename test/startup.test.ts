import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { ALL_ROLES, Role } from '../src/config/roles.js';
import { freePort } from '../src/valkey/embedded-valkey.js';
import { ONE_LINE, failedStart, spawnApp } from './support/process.js';
import { configError } from './support/config.js';
import { TestValkey } from './support/valkey.js';

describe('configuration', () => {
  it('reports a PORT that is not a number with one message, not contradictory range messages', () => {
    const message = configError({ PORT: 'abc' });
    expect(message).toBe('invalid configuration:\n  PORT="abc": PORT must be an integer number');
  });

  it('refuses an HTTP_BODY_LIMIT that is not a byte size, naming it, and accepts sizes body-parser reads', () => {
    expect(configError({ HTTP_BODY_LIMIT: 'lots' })).toContain('HTTP_BODY_LIMIT="lots": HTTP_BODY_LIMIT must be');
    for (const size of ['64kb', '1mb', '1.5MB', '1048576', '100b']) {
      expect(loadConfig({ HTTP_BODY_LIMIT: size }).env.HTTP_BODY_LIMIT).toBe(size);
    }
  });

  it('reads SAMPLE_DATA as true, false, 1 or 0 and refuses any other value naming it', () => {
    for (const [given, value] of [
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const) {
      expect(loadConfig({ SAMPLE_DATA: given }).env.SAMPLE_DATA).toBe(value);
    }
    expect(loadConfig({}).env.SAMPLE_DATA).toBe(false);
    for (const given of ['maybe', 'yes', 'off']) {
      expect(configError({ SAMPLE_DATA: given })).toContain(
        `SAMPLE_DATA="${given}": SAMPLE_DATA must be true, false, 1 or 0`,
      );
    }
  });

  it('refuses a ROLES that is set but names no role instead of running every role', () => {
    expect(configError({ ROLES: '' })).toContain('ROLES="": names no role');
    expect(configError({ ROLES: ' , ' })).toContain('ROLES=" , ": names no role');
    expect([...loadConfig({}).roles]).toEqual(ALL_ROLES);
    expect([...loadConfig({ ROLES: 'api' }).roles]).toEqual([Role.Api]);
  });
});

describe('a start that cannot succeed', () => {
  let valkey: TestValkey;

  beforeAll(async () => {
    valkey = await TestValkey.start();
  });

  afterAll(async () => {
    await valkey.stop();
  });

  it('exits within VALKEY_CONNECT_TIMEOUT_MS naming VALKEY_URL, password hidden, and the connection error when nothing answers', async () => {
    const port = await freePort();
    const failure = await failedStart({
      VALKEY_URL: `redis://:hunter2@127.0.0.1:${port}`,
      VALKEY_CONNECT_TIMEOUT_MS: '1000',
    });
    expect(failure.exit).toBe(1);
    expect(failure.ms).toBeLessThan(15000);
    expect(failure.stderr).toMatch(ONE_LINE);
    expect(failure.stderr).toContain(`VALKEY_URL=redis://:<redacted>@127.0.0.1:${port}`);
    expect(failure.stderr).toContain('ECONNREFUSED');
    expect(failure.stderr).not.toContain('hunter2');
  });

  it('ends promptly on SIGTERM while start waits for an unreachable VALKEY_URL', async () => {
    const app = await spawnApp(
      { ROLES: 'api', VALKEY_URL: `redis://127.0.0.1:${await freePort()}`, VALKEY_CONNECT_TIMEOUT_MS: '60000' },
      { waitHealthy: false },
    );
    try {
      await new Promise((r) => setTimeout(r, 2500)); // past boot, into the wait for Valkey
      const stopped = Date.now();
      const exit = await Promise.race([app.stop(), new Promise((r) => setTimeout(() => r('still running'), 5000))]);
      expect(exit).not.toBe('still running');
      expect(Date.now() - stopped).toBeLessThan(5000);
    } finally {
      await app.kill9();
    }
  });

  it('exits naming the database when VALKEY_URL selects one the server does not have', async () => {
    const failure = await failedStart({ VALKEY_URL: `${valkey.url}/99` });
    expect(failure.exit).toBe(1);
    expect(failure.stderr).toMatch(ONE_LINE);
    expect(failure.stderr).toContain(`VALKEY_URL=${valkey.url}/99 has no database 99`);
  });

  it('exits with one line naming PORT when the port is in use', async () => {
    const port = await freePort();
    const server: Server = createServer();
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    try {
      const failure = await failedStart({ VALKEY_URL: valkey.url, PORT: String(port) });
      expect(failure.exit).toBe(1);
      expect(failure.stderr).toMatch(ONE_LINE);
      expect(failure.stderr).toContain(`PORT=${port} is already in use`);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it('exits with one line naming HOST when it does not resolve', async () => {
    const failure = await failedStart({ VALKEY_URL: valkey.url, HOST: 'nonexistent.invalid', AUTH_DISABLED: 'false' });
    expect(failure.exit).toBe(1);
    expect(failure.stderr).toMatch(ONE_LINE);
    expect(failure.stderr).toContain('HOST=nonexistent.invalid does not resolve');
  });

  it('exits with one line saying how to install valkey-server or set VALKEY_URL when the binary is missing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skein-nobin-'));
    try {
      const failure = await failedStart({ VALKEY_SERVER_BIN: '/nonexistent/valkey-server', VALKEY_DATA_DIR: dataDir });
      expect(failure.exit).toBe(1);
      expect(failure.stderr).toMatch(ONE_LINE);
      expect(failure.stderr).toContain('VALKEY_SERVER_BIN=/nonexistent/valkey-server does not exist');
      expect(failure.stderr).toContain('ensure-valkey.sh');
      expect(failure.stderr).toContain('VALKEY_URL=');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // Last: it gives the shared server a password.
  it('exits at once naming VALKEY_URL, password hidden, when Valkey refuses the password or wants one', async () => {
    const admin = valkey.client();
    await admin.call('CONFIG', 'SET', 'requirepass', 'right-password');
    const port = valkey.port;
    const wrong = await failedStart({ VALKEY_URL: `redis://:not-the-password@127.0.0.1:${port}` });
    expect(wrong.exit).toBe(1);
    expect(wrong.stderr).toMatch(ONE_LINE);
    expect(wrong.stderr).toContain(`VALKEY_URL=redis://:<redacted>@127.0.0.1:${port}`);
    expect(wrong.stderr).toContain('WRONGPASS');
    expect(wrong.stderr).not.toContain('not-the-password');

    const none = await failedStart({ VALKEY_URL: `redis://127.0.0.1:${port}` });
    expect(none.exit).toBe(1);
    expect(none.stderr).toMatch(ONE_LINE);
    expect(none.stderr).toContain('NOAUTH');
    // Refusals are not retried until the time-out.
    expect(Math.max(wrong.ms, none.ms)).toBeLessThan(8000);
  });
});

describe('a stop while Valkey is gone (needs `npx nest build`)', () => {
  it('ends promptly on SIGTERM after Valkey went away under a running app with every role', async () => {
    const valkey = await TestValkey.start();
    // A long SHUTDOWN_TIMEOUT_MS: the stop itself must be prompt, not the deadline that ends a hung one.
    const app = await spawnApp({ ROLES: 'all', VALKEY_URL: valkey.url, SHUTDOWN_TIMEOUT_MS: '60000' });
    try {
      await valkey.stop();
      await new Promise((r) => setTimeout(r, 1500)); // the clients notice and start reconnecting
      const stopped = Date.now();
      const exit = await Promise.race([app.stop(), new Promise((r) => setTimeout(() => r('still running'), 10000))]);
      expect(exit).toBe('SIGTERM');
      expect(Date.now() - stopped).toBeLessThan(10000);
      expect(app.output()).toContain('Valkey is unreachable at shutdown');
    } finally {
      await app.kill9();
    }
  });

  describe('with the embedded valkey-server', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'skein-embedded-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('ends at once and cleanly on Ctrl-C, which reaches the app and its server together', async () => {
      const app = await spawnApp(
        { ROLES: 'all', VALKEY_DATA_DIR: dir, SHUTDOWN_TIMEOUT_MS: '60000' },
        { ownProcessGroup: true },
      );
      try {
        await new Promise((r) => setTimeout(r, 2000)); // /health answers before the workers have started
        const stopped = Date.now();
        process.kill(-app.child.pid!, 'SIGINT');
        const exit = await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('still running'), 10000))]);
        expect(exit).toBe('SIGINT');
        expect(Date.now() - stopped).toBeLessThan(10000);
        expect(app.output()).not.toContain('stopped unexpectedly');
      } finally {
        await app.kill9();
      }
    });

    it('stops, saying why, when its embedded valkey-server is killed under it', async () => {
      const app = await spawnApp({ ROLES: 'all', VALKEY_DATA_DIR: dir, SHUTDOWN_TIMEOUT_MS: '60000' });
      try {
        await new Promise((r) => setTimeout(r, 2000)); // past start: a server lost during start is a failed start
        process.kill(Number(readFileSync(join(dir, 'valkey.pid'), 'utf8')), 'SIGKILL');
        const exit = await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('still running'), 10000))]);
        expect(exit).toBe('SIGTERM');
        expect(app.output()).toContain('the embedded valkey-server stopped unexpectedly (exit 137');
      } finally {
        await app.kill9();
      }
    });
  });
});
