import { describe, expect, it } from '@jest/globals';
import { browsableHost } from './demo-links.js';

describe('browsableHost', () => {
  it('names localhost for a wildcard HOST and brackets an IPv6 literal', () => {
    expect(browsableHost('0.0.0.0')).toBe('localhost');
    expect(browsableHost('::')).toBe('localhost');
    expect(browsableHost('127.0.0.1')).toBe('127.0.0.1');
    expect(browsableHost('::1')).toBe('[::1]');
    expect(browsableHost('skein.internal')).toBe('skein.internal');
  });
});
