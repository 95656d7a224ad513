// Reads a webhook body into a flat record. TradingView sends application/json when the alert
// message is valid JSON and text/plain otherwise, so the content type is not trusted: a body whose
// first character is `{` is JSON, anything else must be key=value pairs.
import { MalformedSignalError } from '../errors';

const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;
// Pairs are separated by newlines, `&`, `,`, `;` or blanks; values therefore carry no blanks.
// ASCII whitespace only: \s would also split on U+3000 or U+00A0 and drop them unseen, where
// inside a value they must reach the schema's printable-ASCII check.
const PAIR_SEPARATOR = /[\t\n\v\f\r &,;]+/;

export function parseSignalBody(body: string): Record<string, unknown> {
  const text = body.trim();
  if (!text) throw new MalformedSignalError('empty body');
  if (text.startsWith('{')) return parseJsonObject(text);
  if (text.startsWith('[') || text.startsWith('"')) throw new MalformedSignalError('body must be a JSON object');
  return parseKeyValue(text);
}

function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedSignalError('body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedSignalError('body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function parseKeyValue(text: string): Record<string, unknown> {
  // No prototype: keys like `toString` or `__proto__` are plain keys here (the schema refuses them).
  const out: Record<string, unknown> = Object.create(null);
  for (const part of text.split(PAIR_SEPARATOR)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new MalformedSignalError('text body must be JSON or key=value pairs');
    const key = part.slice(0, eq);
    if (!KEY.test(key)) throw new MalformedSignalError('text body has an invalid key');
    if (Object.hasOwn(out, key)) throw new MalformedSignalError(`key "${key}" appears twice`);
    out[key] = part.slice(eq + 1);
  }
  if (Object.keys(out).length === 0) throw new MalformedSignalError('no key=value pairs');
  return out;
}
