const PROTO_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * A DTO instance holding a parsed object's top-level properties as they are, without class-transformer (for flat DTOs:
 * no @Type or @Transform is applied). Keys the global pipe strips (prototype pollution) are dropped; the rest are
 * defined, never assigned, so no setter or inherited property runs. What the fast routes and the socket gateways
 * validate.
 */
export function dtoInstance<Dto extends object>(dto: new () => Dto, parsed: object): Dto {
  const instance = new dto();
  for (const [key, value] of Object.entries(parsed)) {
    if (PROTO_KEYS.has(key)) continue;
    Object.defineProperty(instance, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return instance;
}
