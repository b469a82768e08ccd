import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig } from '../config/config.js';
import { Metrics } from '../metrics/metrics.service.js';
import { ConnectionLimiter, TooManyConnectionsException } from './connection-limiter.js';

/** An SSE request from `address` and its response, which emits `close` when `end` is called. */
function stream(address: string): { req: IncomingMessage; res: ServerResponse; end: () => void } {
  const res = new EventEmitter();
  return {
    req: { socket: { remoteAddress: address } } as unknown as IncomingMessage,
    res: res as unknown as ServerResponse,
    end: () => res.emit('close'),
  };
}

function refused(admit: () => void): TooManyConnectionsException | undefined {
  try {
    admit();
    return undefined;
  } catch (error) {
    return error as TooManyConnectionsException;
  }
}

const limiter = (max: string) => new ConnectionLimiter(loadConfig({ MAX_CONNECTIONS_PER_ADDRESS: max }), new Metrics());

describe('ConnectionLimiter', () => {
  it('admits MAX_CONNECTIONS_PER_ADDRESS per address, refuses the next with a 429 naming it, and frees a place on close', () => {
    const limits = limiter('2');
    const [a, b, c] = [stream('10.0.0.1'), stream('::ffff:10.0.0.1'), stream('10.0.0.1')];
    limits.admitStream(a.req, a.res);
    // An IPv4 client of a dual-stack socket is the same address.
    limits.admitStream(b.req, b.res);
    const refusal = refused(() => limits.admitStream(c.req, c.res));
    expect(refusal).toBeInstanceOf(TooManyConnectionsException);
    expect(refusal?.getStatus()).toBe(429);
    expect(refusal?.headers['Retry-After']).toMatch(/^\d+$/);
    expect(refusal?.message).toContain('MAX_CONNECTIONS_PER_ADDRESS=2');
    // Another address has its own count.
    const other = stream('10.0.0.2');
    limits.admitStream(other.req, other.res);
    // A close frees one place, once, however often it is reported.
    a.end();
    a.end();
    limits.admitStream(c.req, c.res);
    expect(() => limits.admitStream(stream('10.0.0.1').req, stream('10.0.0.1').res)).toThrow(
      TooManyConnectionsException,
    );
  });

  it('counts nothing with MAX_CONNECTIONS_PER_ADDRESS=0', () => {
    const limits = limiter('0');
    for (let i = 0; i < 1000; i++) {
      const s = stream('10.0.0.1');
      limits.admitStream(s.req, s.res);
    }
  });
});
