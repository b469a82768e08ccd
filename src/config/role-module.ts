import type { DynamicModule, Provider, Type } from '@nestjs/common';
import type { AppConfig } from './config.js';
import { Role } from './roles.js';

export interface RoleModuleParts {
  imports?: DynamicModule['imports'];
  /** Providers every replica gets (services, stage workers: the worker host decides which run). */
  providers?: Provider[];
  /** Controllers, served only by replicas with the `api` role. */
  controllers?: Type[];
  /** Providers only `api` replicas get (Socket.IO gateways, page renderers). */
  apiProviders?: Provider[];
  exports?: DynamicModule['exports'];
}

/** Builds a feature module whose HTTP and socket surface exists only on `api` replicas. */
export function roleModule(module: Type, config: AppConfig, parts: RoleModuleParts): DynamicModule {
  const api = config.has(Role.Api);
  return {
    module,
    imports: parts.imports ?? [],
    controllers: api ? (parts.controllers ?? []) : [],
    providers: [...(parts.providers ?? []), ...(api ? (parts.apiProviders ?? []) : [])],
    exports: parts.exports ?? [],
  };
}
