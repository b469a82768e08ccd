import { describe, expect, it } from '@jest/globals';
import {
  checkEntityId,
  checkFeatures,
  decodeValue,
  encodeValue,
  floatLiteralKeys,
  nonIntegerLiteralPaths,
  parseEventTime,
  type FeatureType,
  type FeatureView,
} from './feature-schema.js';

const view: FeatureView = {
  name: 'user_profile',
  entity: 'user',
  ttl_seconds: 60,
  created_at: '',
  updated_at: '',
  features: [
    { name: 'age', type: 'INT' },
    { name: 'score', type: 'FLOAT' },
    { name: 'tier', type: 'STRING' },
    { name: 'active', type: 'BOOL' },
    { name: 'emb', type: 'VECTOR', length: 3 },
  ],
};

describe('feature schema', () => {
  it('accepts values of every type, integers for FLOAT, and null', () => {
    expect(checkFeatures(view, { age: 3, score: 2, tier: 'gold', active: false, emb: [1, 0.5, -2] }, 'f')).toEqual([]);
    expect(checkFeatures(view, { age: null }, 'f')).toEqual([]);
  });

  it('names the row and field of each mismatch', () => {
    expect(checkFeatures(view, { age: '3', score: 'x', emb: [1, 2], nope: 1 }, 'rows[2].features')).toEqual([
      'rows[2].features.age: INT expected',
      'rows[2].features.score: FLOAT expected',
      'rows[2].features.emb: VECTOR of length 3 expected, got 2',
      'rows[2].features.nope: unknown feature of view user_profile',
    ]);
    expect(checkFeatures(view, { age: 3.5 }, 'f')).toEqual(['f.age: INT expected']);
  });

  it('rejects an INT written as a float literal in raw JSON', () => {
    const raw = '{"age": 3.0, "score": 1.0, "tier": "a: 2.0"}';
    const floats = floatLiteralKeys(raw);
    expect([...floats].sort()).toEqual(['age', 'score']);
    expect(checkFeatures(view, JSON.parse(raw), 'features', floats)).toEqual(['features.age: INT expected']);
  });

  it('finds the path of every fraction or exponent literal in nested JSON, not inside strings', () => {
    const raw =
      '{"feature_view":"v","rows":[{"entity_id":"a","features":{"age":3,"s":"1.5, \\"x\\": 2.0"}},' +
      '{"features": {"age": -3.0, "emb": [1, 2e3]}, "event_timestamp": 17.5}]}';
    expect(nonIntegerLiteralPaths(raw)).toEqual([
      ['rows', 1, 'features', 'age'],
      ['rows', 1, 'features', 'emb', 1],
      ['rows', 1, 'event_timestamp'],
    ]);
    expect(nonIntegerLiteralPaths('{"rows":[{"features":{"age":3}}]}')).toEqual([]);
  });

  it('parses epoch seconds and ISO 8601, nothing else', () => {
    expect(parseEventTime(1700000000.5)).toBe(1700000000.5);
    expect(parseEventTime('1700000000')).toBe(1700000000);
    expect(parseEventTime('2023-11-14T22:13:20Z')).toBe(1700000000);
    expect(parseEventTime('2023-11-14T23:13:20+01:00')).toBe(1700000000);
    expect(parseEventTime('yesterday')).toBe('epoch seconds or an ISO 8601 string expected');
    expect(parseEventTime(true)).toBe('epoch seconds or an ISO 8601 string expected');
    expect(parseEventTime(-1)).toMatch(/^-1 is out of range/);
  });

  it('accepts event times up to 9999-12-31T23:59:59Z and says when seconds look like milliseconds', () => {
    expect(parseEventTime(0)).toBe(0);
    expect(parseEventTime(253402300799)).toBe(253402300799);
    expect(parseEventTime('9999-12-31T23:59:59Z')).toBe(253402300799);
    expect(parseEventTime(253402300800)).toBe(
      '253402300800 looks like milliseconds (1978-01-11T21:31:40.800Z); epoch seconds expected',
    );
    expect(parseEventTime('1795958052599')).toBe(
      '1795958052599 looks like milliseconds (2026-11-29T13:14:12.599Z); epoch seconds expected',
    );
    expect(parseEventTime(1e20)).toMatch(/^100000000000000000000 is out of range: .* to 9999-12-31T23:59:59Z/);
    expect(parseEventTime(Infinity)).toMatch(/^Infinity is out of range/);
    expect(parseEventTime('1969-12-31T23:59:59Z')).toMatch(/^1969-12-31T23:59:59Z is out of range/);
    expect(parseEventTime('9999-12-31T23:59:59-01:00')).toMatch(/is out of range/);
  });

  it('accepts any id for one join key and exactly one non-empty value per key for several', () => {
    const user = { name: 'user', join_keys: ['user_id'] };
    const edge = { name: 'edge', join_keys: ['src', 'dst'] };
    expect(checkEntityId(user, 'a:b:c')).toBeUndefined();
    expect(checkEntityId(edge, 'a:b')).toBeUndefined();
    for (const id of ['ab', 'a:b:c', 'a:', ':b'])
      expect(checkEntityId(edge, id)).toBe(
        "one non-empty value per join key of entity edge, joined by ':' (src:dst), expected",
      );
  });

  it('stores each type as plain text and parses it back by the type', () => {
    const values: Record<FeatureType, number | string | boolean | number[]> = {
      INT: -42,
      FLOAT: 0.125,
      STRING: 'a "b" null',
      BOOL: false,
      VECTOR: [0.1, -2, 1e-7],
    };
    expect(Object.values(values).map((value) => encodeValue(value))).toEqual([
      '-42',
      '0.125',
      'a "b" null',
      'false',
      '[0.1,-2,1e-7]',
    ]);
    for (const [type, value] of Object.entries(values)) {
      expect(decodeValue(type as FeatureType, encodeValue(value), false)).toEqual(value);
    }
  });

  it("reads the earlier JSON encoding and other writers' spellings of rows without _enc", () => {
    expect(decodeValue('STRING', '"gold"', true)).toBe('gold');
    expect(decodeValue('STRING', 'null', true)).toBeNull();
    expect(decodeValue('STRING', 'premium', true)).toBe('premium');
    expect(decodeValue('STRING', '"gold"', false)).toBe('"gold"');
    expect(decodeValue('BOOL', 'True', true)).toBe(true);
    expect(decodeValue('FLOAT', '1250.50', true)).toBe(1250.5);
    expect(decodeValue('VECTOR', '[0.5, 1.0]', true)).toEqual([0.5, 1]);
  });

  it('answers null for text that is not of the type', () => {
    expect(decodeValue('INT', '2.5', false)).toBeNull();
    expect(decodeValue('INT', '0x10', false)).toBeNull();
    expect(decodeValue('FLOAT', '', false)).toBeNull();
    expect(decodeValue('FLOAT', 'inf', false)).toBeNull();
    expect(decodeValue('BOOL', 'yes', false)).toBeNull();
    expect(decodeValue('VECTOR', '[1,"a"]', false)).toBeNull();
  });
});
