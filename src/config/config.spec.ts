import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configError } from '../../test/support/config.js';
import { loadConfig } from './config.js';

describe('VALKEY_TLS_*', () => {
  let dir: string;
  let ca: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'skein-config-'));
    ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'the CA bundle');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the files once at load, and leaves TLS unset when no variable is', () => {
    const config = loadConfig({
      VALKEY_URL: 'rediss://valkey:6380',
      VALKEY_TLS_CA: ca,
      VALKEY_TLS_SERVERNAME: 'valkey.internal',
    });
    expect(config.valkeyTls?.ca?.toString()).toBe('the CA bundle');
    expect(config.valkeyTls?.servername).toBe('valkey.internal');
    expect(config.valkeyTls?.cert).toBeUndefined();
    expect(loadConfig({ VALKEY_URL: 'rediss://valkey:6380' }).valkeyTls).toBeUndefined();
  });

  it('names a file it cannot read', () => {
    const missing = join(dir, 'nope.pem');
    expect(configError({ VALKEY_URL: 'rediss://valkey', VALKEY_TLS_CA: missing })).toContain(
      `VALKEY_TLS_CA="${missing}": cannot read it (ENOENT)`,
    );
    expect(configError({ VALKEY_URL: 'rediss://valkey', VALKEY_TLS_CERT: ca, VALKEY_TLS_KEY: dir })).toContain(
      `VALKEY_TLS_KEY="${dir}": cannot read it (EISDIR)`,
    );
  });

  it('wants a client certificate and its key together', () => {
    expect(configError({ VALKEY_URL: 'rediss://valkey', VALKEY_TLS_CERT: ca })).toContain(
      'VALKEY_TLS_CERT and VALKEY_TLS_KEY go together',
    );
  });

  it('refuses TLS settings for a URL that is not rediss://', () => {
    expect(configError({ VALKEY_URL: 'redis://valkey', VALKEY_TLS_CA: ca })).toContain(
      'VALKEY_TLS_CA set, but VALKEY_URL is not a rediss:// URL',
    );
    expect(configError({ VALKEY_TLS_CA: ca })).toContain('VALKEY_URL is not a rediss:// URL');
  });
});

describe('CORS_ORIGINS', () => {
  it('is a list of origins, empty by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
  });

  it('refuses an entry that is not an origin, naming the variable', () => {
    for (const given of ['app.example.com', 'https://app.example.com/path', '*', 'https://a.example.com,,']) {
      expect(configError({ CORS_ORIGINS: given })).toContain(`CORS_ORIGINS="${given}": CORS_ORIGINS must be`);
    }
  });
});
