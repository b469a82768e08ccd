import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { EnvironmentVariables } from './env.schema.js';
import { parseRoles, Role } from './roles.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** TLS settings for every Valkey connection (iovalkey's `tls` option): the files' contents, read once at boot. */
export interface ValkeyTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
}

/** The typed configuration every module receives; built once at boot by `loadConfig`. */
export abstract class AppConfig {
  abstract readonly env: Readonly<EnvironmentVariables>;
  abstract readonly roles: ReadonlySet<Role>;
  abstract readonly consumerName: string;
  /** Set when any VALKEY_TLS_* variable is. */
  abstract readonly valkeyTls: Readonly<ValkeyTls> | undefined;
  /** CORS_ORIGINS as a list; empty: no cross-origin caller. */
  abstract readonly corsOrigins: readonly string[];
  has(role: Role): boolean {
    return this.roles.has(role);
  }
}

class LoadedConfig extends AppConfig {
  constructor(
    readonly env: Readonly<EnvironmentVariables>,
    readonly roles: ReadonlySet<Role>,
    readonly consumerName: string,
    readonly valkeyTls: Readonly<ValkeyTls> | undefined,
    readonly corsOrigins: readonly string[],
  ) {
    super();
  }
}

/** Every variable the schema declares, read from its validation decorators. */
export const ENVIRONMENT_VARIABLES: readonly string[] = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
      .map((meta) => meta.propertyName),
  ),
];

const NUMBER_FIELDS = new Set(
  Object.entries(new EnvironmentVariables())
    .filter(([, value]) => typeof value === 'number')
    .map(([key]) => key),
);

const SECRET_VARIABLES = new Set(['HF_TOKEN', 'LLM_OPENAI_API_KEY', 'AUTH_ADMIN_KEY', 'METRICS_TOKEN']);

/** Error messages name a bad variable but never echo a secret: tokens are hidden, a URL loses its password. */
export function redactSecret(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return value;
  if (SECRET_VARIABLES.has(name)) return '<redacted>';
  // A URL's password, or each item's in a list of URLs (VALKEY_CLUSTER_NODES).
  return value.replace(/(^|,\s*)([a-z][a-z0-9+.-]*:\/\/[^:@/,]*:)[^@/,]*@/gi, '$1$2<redacted>@');
}

/** Checks that say what kind of value a variable takes; when one fails, range checks on it would only contradict it. */
const TYPE_CONSTRAINTS = ['isInt', 'isBoolean', 'isString'];

/** One message per variable: the failed type check if there is one, else the first failed constraint. */
function firstMessage(constraints: Record<string, string>): string {
  const type = TYPE_CONSTRAINTS.find((name) => name in constraints);
  return type ? constraints[type] : (Object.values(constraints)[0] ?? 'is invalid');
}

/** Variables that were folded into another: setting one stops the process rather than being silently ignored. */
const REPLACED: Readonly<Record<string, string>> = {
  LLM_MAX_PROMPT_CHARS: 'LLM_MAX_INPUT_CHARS (prompt and system together)',
};

/** Reads and validates the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const replaced = Object.entries(REPLACED).filter(([name]) => source[name] !== undefined && source[name] !== '');
  if (replaced.length > 0) {
    const lines = replaced.map(([name, by]) => `  ${name} is no longer read: set ${by} instead`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const raw: Record<string, unknown> = {};
  for (const key of ENVIRONMENT_VARIABLES) {
    const value = source[key];
    if (value === undefined || value === '') continue;
    raw[key] = NUMBER_FIELDS.has(key) && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  }
  // The one default that depends on another variable: production (the image) logs JSON, anything else human lines.
  raw.LOG_FORMAT ??= source.NODE_ENV === 'production' ? 'json' : 'pretty';
  const env = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(env, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const given = redactSecret(e.property, source[e.property]);
      return `  ${e.property}=${JSON.stringify(given)}: ${firstMessage(e.constraints ?? {})}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  if (env.AUTH_DISABLED && !isLoopback(env.HOST)) {
    throw new ConfigError(
      `invalid configuration:\n  AUTH_DISABLED=true is refused with HOST=${JSON.stringify(env.HOST)}: an open sandbox must listen ` +
        'on a loopback address only (HOST=127.0.0.1); to expose Skein, leave AUTH_DISABLED unset and use API keys',
    );
  }
  if (env.VALKEY_URL && env.VALKEY_CLUSTER_NODES) {
    throw new ConfigError(
      'invalid configuration:\n  both VALKEY_URL and VALKEY_CLUSTER_NODES are set: VALKEY_URL names one server, ' +
        'VALKEY_CLUSTER_NODES a cluster; set only one',
    );
  }
  // Empty means unset for every variable but ROLES: an empty ROLES would silently run every role.
  const rolesGiven = source.ROLES ?? env.ROLES;
  let roles: ReadonlySet<Role>;
  try {
    roles = parseRoles(rolesGiven);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ROLES=${JSON.stringify(rolesGiven)}: ${(error as Error).message}`);
  }
  return new LoadedConfig(
    Object.freeze(env),
    roles,
    env.CONSUMER_NAME ?? hostname(),
    readValkeyTls(env),
    env.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  );
}

/** Reads the VALKEY_TLS_* files once; one that cannot be read, or settings rediss:// would not use, stop the start. */
function readValkeyTls(env: EnvironmentVariables): ValkeyTls | undefined {
  const { VALKEY_TLS_CA, VALKEY_TLS_CERT, VALKEY_TLS_KEY, VALKEY_TLS_SERVERNAME } = env;
  if (!VALKEY_TLS_CA && !VALKEY_TLS_CERT && !VALKEY_TLS_KEY && !VALKEY_TLS_SERVERNAME) return undefined;
  const invalid = (line: string): ConfigError => new ConfigError(`invalid configuration:\n  ${line}`);
  const set = ['VALKEY_TLS_CA', 'VALKEY_TLS_CERT', 'VALKEY_TLS_KEY', 'VALKEY_TLS_SERVERNAME'].filter(
    (name) => env[name as keyof EnvironmentVariables],
  );
  if (!env.VALKEY_URL?.startsWith('rediss://')) {
    throw invalid(`${set.join(', ')} set, but VALKEY_URL is not a rediss:// URL: TLS settings apply only to rediss://`);
  }
  if (Boolean(VALKEY_TLS_CERT) !== Boolean(VALKEY_TLS_KEY)) {
    throw invalid('VALKEY_TLS_CERT and VALKEY_TLS_KEY go together (a client certificate and its private key)');
  }
  const read = (name: string, path: string | undefined): Buffer | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (error) {
      throw invalid(
        `${name}=${JSON.stringify(path)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  };
  return {
    ca: read('VALKEY_TLS_CA', VALKEY_TLS_CA),
    cert: read('VALKEY_TLS_CERT', VALKEY_TLS_CERT),
    key: read('VALKEY_TLS_KEY', VALKEY_TLS_KEY),
    servername: VALKEY_TLS_SERVERNAME,
  };
}

/** Whether a listen address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
