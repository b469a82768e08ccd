import { BadRequestException } from '@nestjs/common';

/**
 * How deep a request body may nest. Real bodies nest 5 levels at most (a push row's vector); class-transformer and
 * class-validator recurse per level, and a body 3,000 levels deep (18 KB) overflowed the stack as a 500.
 */
export const MAX_BODY_DEPTH = 32;

/** Throws a 400 when `body` nests objects or arrays deeper than MAX_BODY_DEPTH. An explicit stack: no recursion. */
export function assertBodyDepth(body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  const stack: [object, number][] = [[body, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child === null || typeof child !== 'object') continue;
      if (depth + 1 > MAX_BODY_DEPTH) {
        throw new BadRequestException(`the body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels`);
      }
      stack.push([child as object, depth + 1]);
    }
  }
}
