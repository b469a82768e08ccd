export enum Role {
  Api = 'api',
  Ingest = 'ingest',
  Classify = 'classify',
  Enrich = 'enrich',
  Fanout = 'fanout',
  Features = 'features',
  Llm = 'llm',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);
/** Roles that run a stream stage of the same name, which dead-letters to `dlq:{name}`. */
export const STAGE_ROLES: readonly Role[] = [Role.Classify, Role.Enrich, Role.Fanout, Role.Features, Role.Llm];

/**
 * Parses `ROLES` ("all" or a comma list; unset means all); an unknown name throws with that name, and so does a value
 * that names no role: a replica meant for one stage must not silently run every role.
 */
export function parseRoles(raw: string | undefined): ReadonlySet<Role> {
  const names = (raw ?? 'all')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new Error('names no role (leave it unset or set it to all to run every role)');
  if (names.includes('all')) return new Set(ALL_ROLES);
  const unknown = names.filter((name) => !(ALL_ROLES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown role ${unknown.map((n) => `"${n}"`).join(', ')} (known: all, ${ALL_ROLES.join(', ')})`);
  }
  return new Set(names as Role[]);
}
