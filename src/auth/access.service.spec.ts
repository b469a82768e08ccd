import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../config/config.js';
import type { ValkeyService } from '../valkey/valkey.service.js';
import { AccessDeniedException, CredentialRequiredException } from './access-errors.js';
import type { AccessRule, Principal } from './access-rule.js';
import { AccessService } from './access.service.js';
import type { ApiKeyRepository } from './api-keys.repository.js';
import type { TokenSigner } from './token-signer.js';

// authorize() and a missing credential never reach Valkey: the service is built without one.
const config = { env: { AUTH_DISABLED: false, RATE_LIMIT_PER_MINUTE: 0, LLM_MAX_STREAMS_PER_MINUTE: 0 } } as AppConfig;
const access = new AccessService(config, {} as ValkeyService, {} as ApiKeyRepository, {} as TokenSigner);
const AUTHENTICATED: AccessRule = { kind: 'authenticated' };

describe('AccessService, rule authenticated', () => {
  it.each<[string, Principal]>([
    ['an API key without scopes', { kind: 'key', id: 'k1', scopes: new Set() }],
    ['a user token', { kind: 'user', userId: '42' }],
    ['a viewer token', { kind: 'viewer', streamId: 's1' }],
  ])('admits %s', (_, principal) => {
    expect(() => access.authorize(AUTHENTICATED, principal, {})).not.toThrow();
  });

  it('refuses an anonymous caller with 401, not 403', () => {
    expect(() => access.authorize(AUTHENTICATED, { kind: 'anonymous' }, {})).toThrow(CredentialRequiredException);
  });

  it('answers 401 when no credential is presented', async () => {
    await expect(access.check(AUTHENTICATED, {})).rejects.toThrow(CredentialRequiredException);
  });

  it('leaves the scope rules as they were: a key without the scope is refused with 403 naming it', () => {
    const key: Principal = { kind: 'key', id: 'k1', scopes: new Set(['users']) };
    expect(() => access.authorize({ kind: 'scope', scope: 'ingest' }, key, {})).toThrow(AccessDeniedException);
    expect(() => access.authorize({ kind: 'scope', scope: 'ingest' }, key, {})).toThrow(/scope ingest/);
  });
});
