// REPLAY_MS_PER_CANDLE: the default when unset, the value when in bounds, and one clear error
// naming the variable and its bounds otherwise.
import { replayMsPerCandleFrom, ReplaySpeedError } from '../../../bin/local/replay-speed';

describe('replayMsPerCandleFrom', () => {
  it('defaults to 5000 ms per candle when unset or empty', () => {
    expect(replayMsPerCandleFrom({})).toBe(5000);
    expect(replayMsPerCandleFrom({ REPLAY_MS_PER_CANDLE: ' ' })).toBe(5000);
  });

  it('takes a whole number of milliseconds within 500..3600000', () => {
    expect(replayMsPerCandleFrom({ REPLAY_MS_PER_CANDLE: '500' })).toBe(500);
    expect(replayMsPerCandleFrom({ REPLAY_MS_PER_CANDLE: '60000' })).toBe(60_000);
    expect(replayMsPerCandleFrom({ REPLAY_MS_PER_CANDLE: '3600000' })).toBe(3_600_000);
  });

  it.each(['499', '3600001', '1.5', '-1000', '5s', 'abc', '1e4'])(
    'refuses %j, naming the variable and bounds',
    (raw) => {
      expect(() => replayMsPerCandleFrom({ REPLAY_MS_PER_CANDLE: raw })).toThrow(ReplaySpeedError);
      expect(() => replayMsPerCandleFrom({ REPLAY_MS_PER_CANDLE: raw })).toThrow(
        `REPLAY_MS_PER_CANDLE must be a whole number of milliseconds from 500 to 3600000 (real time for the hourly candles), not "${raw}"`,
      );
    },
  );
});
