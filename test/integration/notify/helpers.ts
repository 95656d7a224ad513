// Shared pieces of the notification-channel tests: a real PNG, a long multi-line text, and the
// rejection of a promise.

/** A valid 1×1 PNG (the signature is the first 8 bytes). */
export const PNG = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
);
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * `count` numbered lines of about 60 characters, with the characters Markdown would take for
 * markup, so that a part cut in the middle of a line or reordered is visible.
 */
export function numberedLines(count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `line ${String(i + 1).padStart(4, '0')}: BTC_USDT *long* pnl +1_234.5 <ok> [${'x'.repeat(i % 17)}]`,
  ).join('\n');
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Everything an error would show in a log: message, stack, own properties, cause. */
export function everythingIn(error: Error): string {
  return [
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    JSON.stringify(
      Object.getOwnPropertyNames(error).map((k) => String((error as unknown as Record<string, unknown>)[k])),
    ),
  ].join('\n');
}
