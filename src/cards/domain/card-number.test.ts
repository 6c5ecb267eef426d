import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCardNumber, parseCardNumber } from './card-number.ts';

const parts = fc.record({ provinceCode: fc.constantFrom('01', '68', '79', '96'), year: fc.integer({ min: 2025, max: 2099 }), serial: fc.integer({ min: 1, max: 999_999 }) });

describe('card numbers', () => {
  it('reads back what it writes, with or without separators', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const text = formatCardNumber(p);
        expect(text).toMatch(/^\d{2}\.\d{4}\.\d{6}-\d$/);
        expect(parseCardNumber(text)).toEqual({ ok: true, parts: p, text });
        expect(parseCardNumber(text.replace(/\D/g, ''))).toEqual({ ok: true, parts: p, text });
      }),
    );
  });

  it('catches every single wrong digit and every swap of two adjacent different digits', () => {
    fc.assert(
      fc.property(parts, fc.nat(12), fc.integer({ min: 1, max: 9 }), (p, at, add) => {
        const digits = formatCardNumber(p).replace(/\D/g, '');
        const wrong = digits.slice(0, at) + String((Number(digits[at]) + add) % 10) + digits.slice(at + 1);
        expect(parseCardNumber(wrong).ok).toBe(false);
        if (at < 12 && digits[at] !== digits[at + 1]) {
          const swapped = digits.slice(0, at) + digits[at + 1] + digits[at] + digits.slice(at + 2);
          expect(parseCardNumber(swapped).ok).toBe(false);
        }
      }),
    );
  });

  it('says what is wrong', () => {
    expect(parseCardNumber('68.2026.12345')).toEqual({ ok: false, problem: 'format' });
    const valid = formatCardNumber({ provinceCode: '68', year: 2026, serial: 123 });
    const otherDigit = valid.slice(0, -1) + String((Number(valid.at(-1)) + 1) % 10);
    expect(parseCardNumber(otherDigit)).toEqual({ ok: false, problem: 'check_digit' });
    expect(() => formatCardNumber({ provinceCode: '6', year: 2026, serial: 1 })).toThrow(RangeError);
    // Serial 0 and years before the campaign are not numbers the centre gives, whatever their check digit.
    for (let k = 0; k < 10; k++) for (const digits of ['682026000000', '682024000001']) expect(parseCardNumber(`${digits}${k}`)).toEqual({ ok: false, problem: 'format' });
  });
});
