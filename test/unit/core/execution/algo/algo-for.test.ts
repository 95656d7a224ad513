// When the executor slices an entry on its own (the account's sliceAboveQuote threshold): never a
// funding-arbitrage leg. The coordinator follows a leg by its one entry order
// (clientOrderIdFor(signalId, 'open')); sliced, the leg's fills land on child orders it does not
// read, so it would take the leg for refused and unwind the hedge while the slices keep filling.
import { algoFor } from '../../../../../shared/core/execution/algo/parent';

const bounds = { sliceAboveQuote: 1_000, sliceHorizonSeconds: 600, sliceIntervalSeconds: 60 };

describe('algoFor', () => {
  it('slices a market entry above the threshold', () => {
    expect(algoFor({ source: 'webhook' }, bounds, '5000')).toEqual({
      kind: 'twap',
      horizonMs: 600_000,
      intervalMs: 60_000,
    });
  });

  it('never slices a funding-arbitrage leg, whatever its notional', () => {
    expect(algoFor({ source: 'arb' }, bounds, '5000')).toBeUndefined();
  });
});
