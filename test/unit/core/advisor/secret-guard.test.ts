// The prompt guard: the shapes of the keys and tokens this system holds are found (and only their
// kind is told), the configured values are found exactly, and an ordinary market prompt passes.
import { findSecret } from '../../../../shared/core/advisor/secret-guard';

// Shaped like the real things, made up here (none is a live credential).
const BINANCE_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const BITGET_SECRET = '9f2c4e1b7a3d5c8e0f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6';
const UPBIT_KEY = 'qa1Ws2Ed3Rf4Tg5Yh6Uj7Ik8Ol9Pz0Xc1Vb2Nm3Q';

test.each([
  ['a Binance-shaped API key', `use ${BINANCE_KEY} for the account`, 'an API key or secret'],
  ['a Bitget-shaped secret (hex)', `secret=${BITGET_SECRET}`, 'an API key or secret'],
  ['an Upbit-shaped key', UPBIT_KEY, 'an API key or secret'],
  ['a bearer token', 'Authorization: Bearer abc.def-ghi_jkl', 'a bearer token'],
  ['an OpenAI key', 'key sk-proj-AbCdEfGhIjKlMnOpQrSt', 'an OpenAI-style API key'],
  ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
  ['a JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl', 'a JSON Web Token'],
  ['a Telegram bot token', '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', 'a Telegram bot token'],
  ['a private key', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE', 'a private key'],
])('%s is found and named by kind', (_name, text, kind) => {
  expect(findSecret(text)).toBe(kind);
});

test('a configured value is found exactly, wherever it sits; short placeholders are not matched by value', () => {
  expect(findSecret('abc my-key-value-42 xyz', ['my-key-value-42'])).toBe('a configured secret');
  expect(findSecret('the local ollama server', ['ollama'])).toBeUndefined();
});

test('an ordinary market prompt passes: symbols, prices, times, ids, long words', () => {
  const prompt = [
    'Summarise BTC/USDT:USDT on binanceusdm at 2026-12-07T17:45:00Z.',
    'Last 20 closes: 97123.45 97150.1 97088 96950.75; funding 0.0001; ATR(14) 812.4.',
    'Strategy ema-cross-4h, account acc-1, signal sig_20261207_174500_btc.',
    'Counterrevolutionaries internationalisation incomprehensibilities.',
    JSON.stringify({ rsi: [55.1, 61.2], volume: 1234567890123 }),
  ].join('\n');
  expect(findSecret(prompt)).toBeUndefined();
});
