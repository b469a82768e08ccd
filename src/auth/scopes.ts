/** What an API key may do (DESIGN.md, "Identity and access"); `admin` holds every other scope and the keys. */
export const SCOPES = [
  'ingest',
  'users',
  'features:read',
  'features:write',
  'features:admin',
  'llm',
  'ops',
  'admin',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** Whether scopes held by a key grant `needed`. */
export function grants(held: ReadonlySet<Scope>, needed: Scope): boolean {
  return held.has(needed) || held.has('admin');
}
