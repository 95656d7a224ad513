// Money is stored as decimal text; records written before exact money hold numbers there. Reading
// converts those once, so the core only ever sees Decimal strings whatever the record's age.
import { toDecimal } from '../../core/domain/money';

/** `item` with each present money field as decimal text (a stored number goes through Big once). */
export function withDecimals<T extends object>(item: T, fields: readonly (keyof T & string)[]): T {
  const out = { ...item } as Record<string, unknown>;
  for (const field of fields) {
    const value = out[field];
    if (typeof value === 'number' && Number.isFinite(value)) out[field] = toDecimal(value);
  }
  return out as T;
}
