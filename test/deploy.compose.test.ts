import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * docker-compose.yml as `docker compose config` would check it where Docker is not at hand: it parses (anchors and
 * merge keys resolved), and it ships no default secret, no floating image and no port open beyond loopback.
 */
const ROOT = new URL('../', import.meta.url);
const TEXT = readFileSync(new URL('docker-compose.yml', ROOT), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
}
const COMPOSE = parse(TEXT, { merge: true }) as { services: Record<string, Service> };
const SERVICES = Object.entries(COMPOSE.services);

/** Every `${NAME...}` interpolation in the file, with what follows the name (`:?message`, `:-default`, nothing). */
const INTERPOLATIONS = [...TEXT.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)([^}]*)\}/g)].map(([, name, rest]) => ({
  name,
  rest,
}));

/** Variables that hold a secret: compose must refuse to start without them. */
const REQUIRED_SECRETS = ['VALKEY_PASSWORD', 'VALKEY_ADMIN_PASSWORD', 'AUTH_ADMIN_KEY', 'GRAFANA_ADMIN_PASSWORD'];

/** `docker compose` or `docker-compose`, whichever answers here; undefined without either. */
function composeCommand(): string[] | undefined {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    if (spawnSync(command[0], [...command.slice(1), 'version'], { stdio: 'ignore' }).status === 0) return command;
  }
  return undefined;
}
const COMPOSE_COMMAND = composeCommand();

describe('docker-compose.yml', () => {
  it('parses, with every worker role and the monitoring services', () => {
    expect(SERVICES.map(([name]) => name).sort()).toEqual(
      ['api', 'classify', 'enrich', 'fanout', 'features', 'grafana', 'ingest', 'llm', 'prometheus', 'valkey'].sort(),
    );
  });

  it('pins every image to an exact version, never latest', () => {
    const floating = SERVICES.filter(
      ([, service]) => !/^[\w./-]+:v?\d+\.\d+\.\d+(-[\w.]+)?(@sha256:[0-9a-f]{64})?$/.test(service.image ?? ''),
    ).map(([name, service]) => `${name}: ${service.image ?? '(no image)'}`);
    expect(floating).toEqual([]);
    expect(TEXT).not.toMatch(/:latest\b/);
  });

  it('requires each secret (`${NAME:?message}`) and has no default password anywhere', () => {
    for (const secret of REQUIRED_SECRETS) {
      const uses = INTERPOLATIONS.filter(({ name }) => name === secret);
      expect({ secret, uses: uses.length > 0 }).toEqual({ secret, uses: true });
      expect(uses.filter(({ rest }) => !rest.startsWith(':?'))).toEqual([]);
    }
    const defaulted = INTERPOLATIONS.filter(
      ({ name, rest }) => /PASSWORD|SECRET|ADMIN_KEY|API_KEY|TOKEN/.test(name) && /^:?-./.test(rest),
    );
    expect(defaulted).toEqual([]);
    expect(TEXT).not.toMatch(/change-?me|changeme|password123|--requirepass|GF_SECURITY_ADMIN_PASSWORD: *[^$\s]/i);
  });

  it('publishes Valkey, Prometheus and Grafana on 127.0.0.1 only', () => {
    for (const name of ['valkey', 'prometheus', 'grafana']) {
      const ports = COMPOSE.services[name].ports ?? [];
      expect({ name, open: ports.filter((port) => !port.startsWith('127.0.0.1:')) }).toEqual({ name, open: [] });
    }
  });

  it('runs Valkey with the ACL users of deploy/valkey and connects the app as the skein user', () => {
    const valkey = COMPOSE.services.valkey;
    expect(valkey.volumes).toContain('./deploy/valkey:/etc/skein-valkey:ro');
    expect(valkey.command?.slice(0, 2)).toEqual(['sh', '/etc/skein-valkey/start.sh']);
    const start = readFileSync(new URL('deploy/valkey/start.sh', ROOT), 'utf8');
    expect(start).toContain('render-acl.sh');
    expect(start).toMatch(/valkey-server --aclfile /);
    expect(existsSync(new URL('deploy/valkey/users.acl.template', ROOT))).toBe(true);
    for (const [name, service] of SERVICES.filter(([, s]) => s.build !== undefined)) {
      expect({ name, url: service.environment?.VALKEY_URL }).toEqual({
        name,
        url: expect.stringMatching(/^redis:\/\/skein:\$\{VALKEY_PASSWORD:\?[^}]+\}@valkey:6379$/),
      });
    }
    expect(COMPOSE.services.api.environment?.AUTH_ADMIN_KEY).toMatch(/^\$\{AUTH_ADMIN_KEY:\?/);
  });

  // Docker's own check where it is installed (not on every machine: the checks above stand in for it).
  (COMPOSE_COMMAND ? it : it.skip)(
    'passes `docker compose config` with the secrets set, and stops naming one unset',
    () => {
      const [bin, ...args] = COMPOSE_COMMAND ?? [];
      const run = (env: Record<string, string>) =>
        spawnSync(bin, [...args, 'config', '-q'], {
          cwd: ROOT.pathname,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        });
      const secrets = Object.fromEntries(REQUIRED_SECRETS.map((name) => [name, `test-${name.toLowerCase()}`]));
      const valid = run(secrets);
      expect({ status: valid.status, stderr: valid.stderr }).toEqual({ status: 0, stderr: '' });
      for (const secret of REQUIRED_SECRETS) {
        const missing = run({ ...secrets, [secret]: '' });
        expect(missing.status).not.toBe(0);
        expect(missing.stderr).toContain(`set ${secret}`);
      }
    },
  );
});

/** docker-compose.cluster.yml layered over docker-compose.yml, as `docker compose -f … -f …` merges them. */
describe('docker-compose.cluster.yml', () => {
  const CLUSTER_TEXT = readFileSync(new URL('docker-compose.cluster.yml', ROOT), 'utf8');
  const OVERRIDE = parse(CLUSTER_TEXT, { merge: true }) as {
    services: Record<string, Service & { depends_on?: unknown }>;
  };
  const APP_SERVICES = SERVICES.filter(([, service]) => service.build !== undefined).map(([name]) => name);

  it('runs three cluster nodes of pinned images, on loopback, with the ACL users, and forms the cluster once', () => {
    for (const name of ['valkey', 'valkey-2', 'valkey-3']) {
      const command = OVERRIDE.services[name].command ?? [];
      expect({ name, start: command.slice(0, 2) }).toEqual({ name, start: ['sh', '/etc/skein-valkey/start.sh'] });
      expect(command.join(' ')).toContain('--cluster-enabled yes');
      for (const port of OVERRIDE.services[name].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
    expect(OVERRIDE.services['valkey-cluster'].command?.slice(0, 2)).toEqual([
      'sh',
      '/etc/skein-valkey/cluster-create.sh',
    ]);
    expect(existsSync(new URL('deploy/valkey/cluster-create.sh', ROOT))).toBe(true);
    for (const [, service] of Object.entries(OVERRIDE.services)) {
      if (service.image) expect(service.image).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
    }
  });

  it('connects every app service to the three nodes as the skein user, instead of VALKEY_URL, once the cluster is formed', () => {
    for (const name of APP_SERVICES) {
      const service = OVERRIDE.services[name];
      expect({ name, url: service.environment?.VALKEY_URL }).toEqual({ name, url: '' });
      const nodes = service.environment?.VALKEY_CLUSTER_NODES?.split(',') ?? [];
      expect({ name, nodes: nodes.length }).toEqual({ name, nodes: 3 });
      for (const node of nodes)
        expect(node).toMatch(/^redis:\/\/skein:\$\{VALKEY_PASSWORD:\?[^}]+\}@valkey(-\d)?:6379$/);
      expect(service.depends_on).toEqual({ 'valkey-cluster': { condition: 'service_completed_successfully' } });
    }
  });

  (COMPOSE_COMMAND ? it : it.skip)('passes `docker compose config` layered over docker-compose.yml', () => {
    const [bin, ...args] = COMPOSE_COMMAND ?? [];
    const secrets = Object.fromEntries(REQUIRED_SECRETS.map((name) => [name, `test-${name.toLowerCase()}`]));
    const result = spawnSync(
      bin,
      [...args, '-f', 'docker-compose.yml', '-f', 'docker-compose.cluster.yml', 'config', '-q'],
      {
        cwd: ROOT.pathname,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...secrets },
      },
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
