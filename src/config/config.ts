import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { hostname } from 'node:os';
import { EnvironmentVariables } from './env.schema.js';
import { parseRoles, Role } from './roles.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The typed configuration every module receives; built once at boot by `loadConfig`. */
export abstract class AppConfig {
  abstract readonly env: Readonly<EnvironmentVariables>;
  abstract readonly roles: ReadonlySet<Role>;
  abstract readonly consumerName: string;
  has(role: Role): boolean {
    return this.roles.has(role);
  }
}

class LoadedConfig extends AppConfig {
  constructor(
    readonly env: Readonly<EnvironmentVariables>,
    readonly roles: ReadonlySet<Role>,
    readonly consumerName: string,
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

const SECRET_VARIABLES = new Set(['HF_TOKEN', 'LLM_OPENAI_API_KEY']);

/** Error messages name a bad variable but never echo a secret: tokens are hidden, a URL loses its password. */
export function redactSecret(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return value;
  if (SECRET_VARIABLES.has(name)) return '<redacted>';
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1<redacted>@');
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
  // Empty means unset for every variable but ROLES: an empty ROLES would silently run every role.
  const rolesGiven = source.ROLES ?? env.ROLES;
  let roles: ReadonlySet<Role>;
  try {
    roles = parseRoles(rolesGiven);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ROLES=${JSON.stringify(rolesGiven)}: ${(error as Error).message}`);
  }
  return new LoadedConfig(Object.freeze(env), roles, env.CONSUMER_NAME ?? hostname());
}
