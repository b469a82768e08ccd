import { describe, expect, it } from '@jest/globals';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { validatePayload } from './socket-payload.js';

class JoinLike {
  @Matches(/^[a-z]+$/, { message: 'id must be letters' })
  id!: string;

  @IsOptional()
  @IsInt({ message: 'from must be a non-negative integer' })
  @Min(0, { message: 'from must be a non-negative integer' })
  from?: number;
}

describe('validatePayload', () => {
  it('answers a DTO instance holding the payload when it is valid', async () => {
    const valid = await validatePayload(JoinLike, { id: 'abc', from: 2 });
    expect(valid).toBeInstanceOf(JoinLike);
    expect(valid).toEqual(Object.assign(new JoinLike(), { id: 'abc', from: 2 }));
  });

  it('names each bad field once, in one message', async () => {
    expect(await validatePayload(JoinLike, { id: 'A1', from: -1.5 })).toBe(
      'id must be letters; from must be a non-negative integer',
    );
  });

  it('refuses a field the DTO does not declare, as the REST pipe does (forbidNonWhitelisted)', async () => {
    expect(await validatePayload(JoinLike, { id: 'abc', extra: 1 })).toBe('property extra should not exist');
  });

  it('checks a payload that is not an object as an empty one, naming the fields it lacks', async () => {
    for (const payload of ['garbage', null, undefined, 42, ['abc']]) {
      expect(await validatePayload(JoinLike, payload)).toBe('id must be letters');
    }
  });

  it('drops __proto__, prototype and constructor keys as the REST pipe does: nothing changes a prototype', async () => {
    const payload = '{"id":"abc","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    const answer = await validatePayload(JoinLike, JSON.parse(payload));
    expect(answer).toBeInstanceOf(JoinLike);
    expect(Object.keys(answer)).not.toContain('__proto__');
    expect(Object.keys(answer)).not.toContain('constructor');
    expect((answer as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
