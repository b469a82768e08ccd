/**
 * A typed client for Skein's HTTP API: openapi-fetch over the types generated from the app's OpenAPI document
 * (schema.d.ts; regenerate both with `npm run clients`). Every path, parameter, body and answer is checked by tsc:
 *
 *   const skein = createSkeinClient('http://127.0.0.1:3000');
 *   const { data, error } = await skein.GET('/users/{uid}/feed', { params: { path: { uid: 'u1' } } });
 *
 * Its only runtime dependency is openapi-fetch.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
/** A schema of the document by name: `Schema<'ArticleDto'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
export type SkeinClient = Client<paths>;

/** A client for the Skein API at `baseUrl` (e.g. `http://127.0.0.1:3000`); `options` go to openapi-fetch. */
export function createSkeinClient(baseUrl: string, options: Omit<ClientOptions, 'baseUrl'> = {}): SkeinClient {
  return createClient<paths>({ ...options, baseUrl });
}
