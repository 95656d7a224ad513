// What a prompt may never carry (docs/AI.md "What a model may never see"): a key or a token. A
// prompt goes to someone else's service and into the audit trail, so one that looks like it holds a
// secret is refused before anything is sent, and the refusal names the kind of secret, never the
// text. The shapes are the ones this system holds: exchange API keys and secrets (Binance 64, Upbit
// 40, Bitget and OKX secrets 32-64 letters and digits), bearer tokens, OpenAI and AWS keys, JWTs,
// Telegram bot tokens, private keys; and the exact values the composition root knows (OPENAI_API_KEY).
// A false alarm costs one refused question; a miss leaks a key: the shapes err on the side of refusing.

interface SecretShape {
  kind: string;
  pattern: RegExp;
}

const SHAPES: readonly SecretShape[] = [
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: 'a bearer token', pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/i },
  { kind: 'an OpenAI-style API key', pattern: /\bsk-[A-Za-z0-9_-]{16,}/ },
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'a Telegram bot token', pattern: /\b\d{6,12}:[A-Za-z0-9_-]{30,}/ },
  // Exchange keys and secrets: a run of 32+ letters and digits with both in it (no word or price is).
  {
    kind: 'an API key or secret',
    pattern: /(?<![A-Za-z0-9])(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{32,}(?![A-Za-z0-9])/,
  },
];

/** Known values shorter than this are not matched by value (a placeholder key such as Ollama's "ollama"). */
const MIN_KNOWN_SECRET = 8;

/**
 * The kind of secret `text` seems to hold, or undefined. `known` are exact values that must never
 * be sent (the configured API key); the answer never contains them or the matched text.
 */
export function findSecret(text: string, known: readonly string[] = []): string | undefined {
  for (const value of known) if (value.length >= MIN_KNOWN_SECRET && text.includes(value)) return 'a configured secret';
  for (const { kind, pattern } of SHAPES) if (pattern.test(text)) return kind;
  return undefined;
}
