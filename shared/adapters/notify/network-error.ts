// What a failed fetch may say about itself in an error or a log: its class and system code
// (ECONNREFUSED…), never the URL, which for Telegram and Discord carries the secret.

export function describeNetworkError(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (jest's sandbox), where instanceof Error fails.
  if (error === null || typeof error !== 'object') return 'error';
  const { name, cause } = error as { name?: unknown; cause?: { code?: unknown } };
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const label = typeof name === 'string' ? name : 'error';
  return code ? `${label} ${code}` : label;
}
