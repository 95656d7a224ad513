// The two legs of a pair: the single-leg unwind after the timeout (not before, once), the bigger leg
// reduced to the smaller, repeated fill reports counted once.
import {
  evaluatePair,
  legStatus,
  openPair,
  recordFill,
  recordOrderDone,
  type PairState,
} from '../../../../shared/core/funding/leg-balance';

const SENT = 1_700_000_000_000;
const UNWIND_AFTER = 30_000;
const fresh = (): PairState => openPair({ perp: '100', other: '100', sentAt: SENT, unwindAfterMs: UNWIND_AFTER });

describe('single filled leg', () => {
  const oneLeg = recordFill(fresh(), 'perp', '100');

  it('is left alone before the timeout while the other order may still fill', () => {
    expect(legStatus(oneLeg.legs.perp)).toBe('filled');
    expect(legStatus(oneLeg.legs.other)).toBe('pending');
    expect(evaluatePair(oneLeg, SENT + UNWIND_AFTER - 1).actions).toEqual([]);
  });

  it('at the timeout: the other order is cancelled and the filled leg closed whole, reduce-only', () => {
    expect(evaluatePair(oneLeg, SENT + UNWIND_AFTER).actions).toEqual([
      { type: 'cancel', leg: 'other' },
      { type: 'reduce', leg: 'perp', amount: '100', reduceOnly: true, reason: 'unwind' },
    ]);
  });

  it('once: evaluating again after the unwind was issued issues nothing', () => {
    const first = evaluatePair(oneLeg, SENT + UNWIND_AFTER);
    const again = evaluatePair(first.state, SENT + UNWIND_AFTER + 1);
    expect(again.actions).toEqual([]);
    expect(evaluatePair(again.state, SENT + 10 * UNWIND_AFTER).actions).toEqual([]);
  });

  it('a late fill of the other leg after the unwind is itself closed (the unwound leg stays closed)', () => {
    const unwound = evaluatePair(oneLeg, SENT + UNWIND_AFTER).state;
    const late = recordFill(unwound, 'other', '40');
    expect(evaluatePair(late, SENT + UNWIND_AFTER + 5).actions).toEqual([
      { type: 'reduce', leg: 'other', amount: '40', reduceOnly: true, reason: 'unwind' },
    ]);
  });

  it('the other order rejected before the timeout: unwound at once (nothing can fill it any more)', () => {
    const rejected = recordOrderDone(oneLeg, 'other');
    expect(evaluatePair(rejected, SENT + 1).actions).toEqual([
      { type: 'reduce', leg: 'perp', amount: '100', reduceOnly: true, reason: 'unwind' },
    ]);
  });
});

describe('balance', () => {
  it('both filled in full: nothing to do', () => {
    const both = recordFill(recordFill(fresh(), 'perp', '100'), 'other', '100');
    expect(evaluatePair(both, SENT + 1).actions).toEqual([]);
  });

  it('partial fills wait until the orders finish or the timeout', () => {
    const partial = recordFill(recordFill(fresh(), 'perp', '100'), 'other', '62.5');
    expect(legStatus(partial.legs.other)).toBe('partially-filled');
    expect(evaluatePair(partial, SENT + UNWIND_AFTER - 1).actions).toEqual([]);
  });

  it('at the timeout, the bigger leg is reduced to the smaller: 100 − 62.5 = 37.5', () => {
    const partial = recordFill(recordFill(fresh(), 'perp', '100'), 'other', '62.5');
    const first = evaluatePair(partial, SENT + UNWIND_AFTER);
    expect(first.actions).toEqual([
      { type: 'cancel', leg: 'other' },
      { type: 'reduce', leg: 'perp', amount: '37.5', reduceOnly: true, reason: 'balance' },
    ]);
    expect(evaluatePair(first.state, SENT + UNWIND_AFTER + 1).actions).toEqual([]);
  });

  it('the other leg can be the bigger one; both orders finished → balanced without waiting', () => {
    let s = recordFill(fresh(), 'other', '100');
    s = recordOrderDone(recordFill(s, 'perp', '0.3'), 'perp');
    expect(evaluatePair(s, SENT + 1).actions).toEqual([
      { type: 'reduce', leg: 'other', amount: '99.7', reduceOnly: true, reason: 'balance' },
    ]);
  });

  it('a repeated or stale fill report counts once', () => {
    const s = recordFill(recordFill(recordFill(fresh(), 'perp', '50'), 'perp', '50'), 'perp', '20');
    expect(s.legs.perp.filled).toBe('50');
  });
});

describe('bad input', () => {
  it('names the field and the bound', () => {
    expect(() => openPair({ perp: '0', other: '1', sentAt: SENT, unwindAfterMs: 1 })).toThrow(
      /perp target must be > 0/,
    );
    expect(() => openPair({ perp: '1', other: '1', sentAt: SENT, unwindAfterMs: 0 })).toThrow(
      /unwindAfterMs must be a positive integer/,
    );
    expect(() => recordFill(fresh(), 'other', '-1')).toThrow(/other filled must be ≥ 0, got -1/);
    expect(() => recordFill(fresh(), 'other', 'abc')).toThrow(/other filled must be a decimal amount/);
  });
});
