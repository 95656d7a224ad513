// A sliced entry's webhook fields: algo, horizon, interval, maxSlippageBps. Durations in the forms
// TradingView messages carry; every refusal names the field and the bound (ALGO_BOUNDS).
import type { FieldIssue } from '../../../../shared/core/errors';
import { algoSpecOf, parseDuration, validateSignalFields } from '../../../../shared/core/signal/schema';

const minimal = { token: 'tok', account: 'acc-1', action: 'long', symbol: 'BTCUSDT.P' };

function issues(raw: Record<string, unknown>): FieldIssue[] {
  const result = validateSignalFields({ ...minimal, ...raw }, undefined);
  return result.ok ? [] : result.issues;
}

describe('parseDuration', () => {
  test.each([
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['1h', 3_600_000],
    ['1.5 h', 5_400_000],
    ['500ms', 500],
    ['45', 45_000],
    [60, 60_000],
  ])('%p → %p ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  test.each([
    ['ten minutes', 'must be a duration like "30m", "90s", "1h" or seconds'],
    ['-5m', 'must be greater than 0'],
    ['8d', 'must be a duration like "30m", "90s", "1h" or seconds'],
    [1e9, 'must be at most 604800'],
    ['200h', 'must be at most 7 days'],
  ])('%p is refused: %s', (input, message) => expect(parseDuration(input)).toBe(message));
});

describe('validateSignalFields: algo', () => {
  test('a TWAP entry: its spec in ms on the validated fields', () => {
    const result = validateSignalFields({ ...minimal, algo: 'TWAP', horizon: '5m', interval: 60 }, undefined);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(algoSpecOf(result.value.fields)).toEqual({ kind: 'twap', horizonMs: 300_000, intervalMs: 60_000 });
  });

  test('an adaptive entry carries its slippage bound', () => {
    const result = validateSignalFields(
      { ...minimal, algo: 'adaptive', horizon: '10m', interval: '30s', maxSlippageBps: '15' },
      undefined,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(algoSpecOf(result.value.fields)).toEqual({
      kind: 'adaptive',
      horizonMs: 600_000,
      intervalMs: 30_000,
      maxSlippageBps: 15,
    });
  });

  test('no algo: no spec (one order, as always)', () => {
    const result = validateSignalFields(minimal, undefined);
    expect(result.ok && algoSpecOf(result.value.fields)).toBeUndefined();
  });

  test('a close is never sliced: 422 naming algo', () => {
    expect(issues({ action: 'close_long', algo: 'twap', horizon: '5m', interval: '1m' })).toEqual([
      { field: 'algo', message: 'applies to entries only (long, short): a close is never sliced' },
    ]);
    expect(issues({ action: 'sell', position: 'flat', algo: 'twap', horizon: '5m', interval: '1m' })).toEqual([
      { field: 'algo', message: 'applies to entries only (long, short): a close is never sliced' },
    ]);
  });

  test('interval below 10 s and horizon above 24 h name the bound', () => {
    expect(issues({ algo: 'twap', horizon: '1m', interval: '5s' })).toEqual([
      { field: 'interval', message: 'must be at least 10s' },
    ]);
    expect(issues({ algo: 'twap', horizon: '25h', interval: '1h' })).toEqual([
      { field: 'horizon', message: 'must be at most 24h' },
    ]);
  });

  test('2..100 slices: horizon ÷ interval outside them is refused with the count', () => {
    expect(issues({ algo: 'twap', horizon: '30s', interval: '30s' })).toEqual([
      { field: 'horizon', message: 'horizon ÷ interval makes 1 slice(s): must make 2-100' },
    ]);
    expect(issues({ algo: 'twap', horizon: '2h', interval: '10s' })).toEqual([
      { field: 'horizon', message: 'horizon ÷ interval makes 720 slice(s): must make 2-100' },
    ]);
  });

  test('horizon and interval are required with algo; they and maxSlippageBps need algo', () => {
    expect(issues({ algo: 'twap' })).toEqual([
      { field: 'horizon', message: 'required with algo (e.g. "30m")' },
      { field: 'interval', message: 'required with algo (e.g. "60s")' },
    ]);
    expect(issues({ horizon: '5m', maxSlippageBps: 5 })).toEqual([
      { field: 'horizon', message: 'applies only with algo ("twap" or "adaptive")' },
      { field: 'maxSlippageBps', message: 'applies only with algo ("twap" or "adaptive")' },
    ]);
  });

  test('adaptive needs maxSlippageBps (0-1000); twap refuses it; slices are market orders', () => {
    expect(issues({ algo: 'adaptive', horizon: '5m', interval: '1m' })).toEqual([
      { field: 'maxSlippageBps', message: 'required with algo "adaptive" (0-1000 bps)' },
    ]);
    expect(issues({ algo: 'adaptive', horizon: '5m', interval: '1m', maxSlippageBps: 5000 })).toEqual([
      { field: 'maxSlippageBps', message: 'must be at most 1000' },
    ]);
    expect(issues({ algo: 'twap', horizon: '5m', interval: '1m', maxSlippageBps: 5 })).toEqual([
      { field: 'maxSlippageBps', message: 'applies only with algo "adaptive"' },
    ]);
    expect(issues({ algo: 'twap', horizon: '5m', interval: '1m', type: 'limit', limit: '1%' })).toEqual([
      { field: 'algo', message: 'slices are market orders: not with type "limit"' },
    ]);
  });

  test('an unknown algo names the choices', () => {
    expect(issues({ algo: 'vwap', horizon: '5m', interval: '1m' })).toEqual([
      { field: 'algo', message: 'must be one of twap, adaptive' },
    ]);
  });
});
