import { Injectable, type CanActivate, type ExecutionContext, type OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCESS_RULE } from './access.decorator.js';
import { AccessDeniedException } from './access-errors.js';
import type { AccessRule, Principal } from './access-rule.js';
import { AccessService } from './access.service.js';

/** The request's caller once AccessGuard admitted it (read with `callerOf`). */
const CALLER = Symbol('skein:caller');

export function callerOf(request: object): Principal {
  return (request as { [CALLER]?: Principal })[CALLER] ?? { kind: 'anonymous' };
}

/**
 * The global guard of every HTTP route: the handler's `@Access…` rule, checked by AccessService. A handler without a
 * rule is refused; the app does not even start with one.
 */
@Injectable()
export class AccessGuard implements CanActivate, OnApplicationBootstrap {
  private readonly rules = new WeakMap<object, AccessRule | undefined>();

  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.ruleOf(context);
    if (!rule) throw new AccessDeniedException('this route declares no access rule');
    const request = context.switchToHttp().getRequest<Request>();
    const principal = await this.access.check(
      rule,
      {
        authorization: request.headers.authorization,
        apiKey: request.headers['x-api-key'],
        accessToken: request.query.access_token,
      },
      request.params as Record<string, string>,
    );
    (request as unknown as { [CALLER]: Principal })[CALLER] = principal;
    return true;
  }

  /** Every route handler must declare who may call it: a start with an undeclared one fails, naming it. */
  onApplicationBootstrap(): void {
    const undeclared: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type || !wrapper.instance) continue;
      const prototype = Object.getPrototypeOf(wrapper.instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[method] as () => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (!this.reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, [handler, type])) {
          undeclared.push(`${type.name}.${method}`);
        }
      }
    }
    if (undeclared.length > 0) {
      throw new Error(`routes without an @Access rule (declare who may call them): ${undeclared.join(', ')}`);
    }
  }

  /** A handler's rule, read from its metadata once (the lookup was ~10 µs per request, bench/auth.ts's profile). */
  private ruleOf(context: ExecutionContext): AccessRule | undefined {
    const handler = context.getHandler();
    if (!this.rules.has(handler)) {
      this.rules.set(handler, this.reflector.getAllAndOverride<AccessRule>(ACCESS_RULE, [handler, context.getClass()]));
    }
    return this.rules.get(handler);
  }
}
