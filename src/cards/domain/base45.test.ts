import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base45Error, decodeBase45, encodeBase45 } from './base45.ts';

describe('base45 (RFC 9285)', () => {
  it('gives the RFC examples', () => {
    expect(encodeBase45(Buffer.from('AB'))).toBe('BB8');
    expect(encodeBase45(Buffer.from('Hello!!'))).toBe('%69 VD92EX0');
    expect(encodeBase45(Buffer.from('base-45'))).toBe('UJCLQE7W581');
    expect(new TextDecoder().decode(decodeBase45('QED8WEX0'))).toBe('ietf!');
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect([...decodeBase45(encodeBase45(bytes))]).toEqual([...bytes]);
      }),
    );
  });

  it('refuses text that is not base45 instead of guessing bytes', () => {
    for (const bad of ['GGW', 'ab', 'BB8B', 'é12', ':::']) expect(() => decodeBase45(bad), bad).toThrow(Base45Error);
  });
});
