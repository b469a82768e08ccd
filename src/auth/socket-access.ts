import { HttpException } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { AccessRule, Principal } from './access-rule.js';
import type { AccessService } from './access.service.js';

type Middleware = (socket: Socket, next: (error?: Error) => void) => void;

/** What a refused handshake's `connect_error` carries: the HTTP status the same request would get, and why. */
export interface RefusedHandshake {
  status: number;
  message: string;
}

/** The principal the handshake admitted (set by `socketAccess`). */
export function principalOf(socket: Socket): Principal {
  return (socket.data as { principal?: Principal }).principal ?? { kind: 'anonymous' };
}

/**
 * A namespace's handshake middleware: the credential in `auth: {token}` is checked by AccessService against `rule`,
 * with `params` drawn from the handshake and the principal (a `/feeds` user comes from its token, never from the
 * client's claim). A refusal is a `connect_error` whose `data` is {status, message}; nothing else reaches the
 * gateway.
 */
export function socketAccess(
  access: AccessService,
  rule: AccessRule,
  params: (principal: Principal, auth: Record<string, unknown>) => Record<string, string> = () => ({}),
): Middleware {
  return (socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    const presented = { authorization: token === undefined ? undefined : `Bearer ${token}` };
    access
      .check(rule, presented, (principal) => params(principal, auth))
      .then(
        (principal) => {
          (socket.data as { principal?: Principal }).principal = principal;
          next();
        },
        (error: unknown) => next(refusal(error)),
      );
  };
}

function refusal(error: unknown): Error {
  const status = error instanceof HttpException ? error.getStatus() : 500;
  const message = error instanceof HttpException ? error.message : 'could not check the credential; reconnect';
  return Object.assign(new Error(message), { data: { status, message } satisfies RefusedHandshake });
}
