import { base32Decode, base32Encode, hotp, totpCode, verifyTotp } from '../../../shared/platform/totp';

// RFC 6238 Appendix B (https://www.rfc-editor.org/rfc/rfc6238#appendix-B): the SHA-1 rows, seed
// "12345678901234567890" (ASCII), 8 digits, X = 30 s.
const RFC6238_SEED = Buffer.from('12345678901234567890', 'ascii');
const RFC6238_SHA1 = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
] as const;

describe('TOTP (RFC 6238, HMAC-SHA1)', () => {
  it.each(RFC6238_SHA1)('at %i s gives the RFC test vector %s', (seconds, expected) => {
    expect(totpCode(RFC6238_SEED, seconds * 1000, 8)).toBe(expected);
  });

  it('matches RFC 4226 Appendix D HOTP values (counter 0..9)', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => hotp(RFC6238_SEED, counter))).toEqual(expected);
  });

  it('round-trips base32 (RFC 4648 test vector "foobar" = MZXW6YTBOI)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi======')?.toString()).toBe('foobar');
    expect(base32Decode('not base32!')).toBeUndefined();
  });

  describe('verifyTotp', () => {
    const secret = base32Encode(RFC6238_SEED);
    const at = 1111111111 * 1000;
    const codeAt = (ms: number) => totpCode(RFC6238_SEED, ms);

    it('accepts the current step and one either side, returning the step matched', () => {
      const step = Math.floor(at / 30_000);
      expect(verifyTotp(secret, codeAt(at), at)).toBe(step);
      expect(verifyTotp(secret, codeAt(at - 30_000), at)).toBe(step - 1);
      expect(verifyTotp(secret, codeAt(at + 30_000), at)).toBe(step + 1);
    });

    it('refuses codes two steps away, wrong codes and malformed input', () => {
      expect(verifyTotp(secret, codeAt(at - 60_000), at)).toBeUndefined();
      expect(verifyTotp(secret, codeAt(at + 60_000), at)).toBeUndefined();
      const wrong = String((Number(codeAt(at)) + 1) % 1_000_000).padStart(6, '0');
      expect(verifyTotp(secret, wrong, at)).toBeUndefined();
      expect(verifyTotp(secret, '12345', at)).toBeUndefined();
      expect(verifyTotp(secret, 'abcdef', at)).toBeUndefined();
      expect(verifyTotp('!!', codeAt(at), at)).toBeUndefined();
    });
  });
});
