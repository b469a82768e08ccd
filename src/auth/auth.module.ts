import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '../config/config.js';
import { Role } from '../config/roles.js';
import { AccessGuard } from './access.guard.js';
import { AccessService } from './access.service.js';
import { AdminKeyBootstrap } from './admin-key.bootstrap.js';
import { ApiKeyRepository } from './api-keys.repository.js';
import { AuthController } from './auth.controller.js';
import { SseLeases } from './sse-leases.js';
import { TokenSigner } from './token-signer.js';
import { UserTokenService } from './user-tokens.service.js';

/**
 * Identity and access: API keys, user and viewer tokens, the per-credential budgets, and the global guard that
 * checks every HTTP route (the gateways and fast routes ask AccessService the same way).
 */
@Global()
@Module({})
export class AuthModule {
  static register(config: AppConfig): DynamicModule {
    const api = config.has(Role.Api);
    return {
      module: AuthModule,
      imports: [DiscoveryModule],
      controllers: api ? [AuthController] : [],
      providers: [
        ApiKeyRepository,
        TokenSigner,
        AccessService,
        UserTokenService,
        SseLeases,
        ...(api ? [AdminKeyBootstrap] : []),
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [AccessService, TokenSigner, SseLeases, UserTokenService, ...(api ? [AdminKeyBootstrap] : [])],
    };
  }
}
