import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Valkey } from 'iovalkey';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/config.js';
import { freePort } from '../src/valkey/embedded-valkey.js';
import { eventually, json, startTestApp, type TestApp } from './support/app.js';
import { TestValkey } from './support/valkey.js';

/** A CA, a server certificate it signed for 127.0.0.1 and localhost, and a client certificate it signed. */
function makeCertificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const path = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Skein test CA',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.crt'),
  );
  writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const [name, extensions] of [
    ['server', ['-extfile', path('server.ext')]],
    ['client', []],
  ] as const) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      path(`${name}.key`),
      '-out',
      path(`${name}.csr`),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path('ca.crt'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      path(`${name}.crt`),
      ...extensions,
    );
  }
  return {
    ca: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
  };
}

describe('Valkey over TLS (rediss://) with mutual TLS', () => {
  let dir: string;
  let files: ReturnType<typeof makeCertificates>;
  let valkey: TestValkey;
  let port: number;
  let app: TestApp | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skein-tls-'));
    files = makeCertificates(dir);
    port = await freePort();
    // TLS only (no plain port), and a client must present a certificate the CA signed.
    valkey = await TestValkey.start({
      port,
      args: [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        files.serverCert,
        '--tls-key-file',
        files.serverKey,
        '--tls-ca-cert-file',
        files.ca,
        '--tls-auth-clients',
        'yes',
      ],
    });
  });

  afterAll(async () => {
    await app?.close();
    await valkey?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the pipeline over rediss:// with VALKEY_TLS_CA, VALKEY_TLS_CERT and VALKEY_TLS_KEY, every connection on TLS', async () => {
    app = await startTestApp(`rediss://127.0.0.1:${port}`, {
      ROLES: 'all',
      VALKEY_TLS_CA: files.ca,
      VALKEY_TLS_CERT: files.clientCert,
      VALKEY_TLS_KEY: files.clientKey,
    });
    const posted = await json(`${app.url}/articles`, {
      body: {
        id: 'tls-1',
        title: 'Team wins the cup final',
        body: 'The match ended with a late goal for the home side.',
      },
    });
    expect(posted.status).toBe(202);
    const article = await eventually(async () => {
      const res = await json<{ topic?: string; summary?: string }>(`${app!.url}/articles/tls-1`);
      return res.body.summary ? res.body : undefined;
    }, 20000);
    expect(article.topic).toEqual(expect.any(String));

    // The server listens on TLS alone, so whatever is connected came over TLS: the Socket.IO adapter's too.
    const admin = new Valkey(`rediss://127.0.0.1:${port}`, {
      tls: { ca: readFileSync(files.ca), cert: readFileSync(files.clientCert), key: readFileSync(files.clientKey) },
    });
    try {
      const names = ((await admin.client('LIST')) as string).match(/name=\S+/g) ?? [];
      expect(names).toEqual(expect.arrayContaining(['name=skein:command', 'name=skein:socket.io-adapter']));
    } finally {
      admin.disconnect();
    }
  });

  it('refuses to start without the CA, with a message naming TLS and VALKEY_TLS_CA', async () => {
    const config = loadConfig({
      VALKEY_URL: `rediss://127.0.0.1:${port}`,
      VALKEY_TLS_CERT: files.clientCert,
      VALKEY_TLS_KEY: files.clientKey,
      VALKEY_CONNECT_TIMEOUT_MS: '2000',
      ROLES: 'api',
      LOG_LEVEL: 'silent',
    });
    const started = Date.now();
    const failure = await createApp(config).then(
      async (unexpected) => {
        await unexpected.close();
        return new Error('the app started');
      },
      (error: Error) => error,
    );
    expect(failure.name).toBe('ValkeyUnavailableError');
    expect(failure.message).toMatch(
      /^TLS: the certificate of Valkey at VALKEY_URL=rediss:\/\/127\.0\.0\.1:\d+ is not trusted/,
    );
    expect(failure.message).toContain('VALKEY_TLS_CA');
    // A certificate no retry makes trusted: refused at once, not after VALKEY_CONNECT_TIMEOUT_MS.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
