// Money is stored as decimal text; records written before exact money hold numbers there. Reading
// converts those once, so the core only ever sees Decimal strings whatever the record's age.
// No big.js here: the webhook reads accounts through this file, and its bundle stays small (the
// conversion is the plain form of the number's shortest round-trip text, exactly what Big prints).
import type { Decimal } from '../../core/domain/money';

/** A finite number as plain decimal text (no exponent): `1e-7` → `0.0000001`, `1.5e21` → `1500000000000000000000`. */
export function plainDecimal(value: number): Decimal {
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text === '-0' ? '0' : text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  // position of the decimal point within `digits` once the exponent is applied
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  const plain =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${plain}` : plain;
}

/** `item` with each present money field as decimal text (a stored number converted once). */
export function withDecimals<T extends object>(item: T, fields: readonly (keyof T & string)[]): T {
  const out = { ...item } as Record<string, unknown>;
  for (const field of fields) {
    const value = out[field];
    if (typeof value === 'number' && Number.isFinite(value)) out[field] = plainDecimal(value);
  }
  return out as T;
}
