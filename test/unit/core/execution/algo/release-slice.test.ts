// The slice timer's consumer: a due child goes onto the account's FIFO lane (group account#SYMBOL,
// dedup id = the child's signal id, so a duplicate timer message is one signal); an early one is
// delayed again (SQS delays at most 15 minutes); one whose parent is gone is dropped; a body that is
// not a slice is recognised as such.
import { ReleaseSlice, parseTimedSlice } from '../../../../../shared/core/execution/algo/release-slice';
import { startParent } from '../../../../../shared/core/execution/algo/parent';
import type { Signal } from '../../../../../shared/core/signal/types';
import { ManualClock, T0 } from '../../fakes';
import { MemoryAlgoParents, RecordingScheduler } from './memory-algo';

async function setup() {
  const clock = new ManualClock(T0);
  const parents = new MemoryAlgoParents();
  const scheduler = new RecordingScheduler();
  const sent: { signal: Signal; groupId: string; dedupId: string }[] = [];
  const release = new ReleaseSlice({
    parents,
    scheduler,
    clock,
    lane: { send: async (signal, groupId, dedupId) => void sent.push({ signal, groupId, dedupId }) },
  });
  await parents.create(
    startParent({
      signal: { signalId: 'sparent', accountId: 'acc-1', intent: 'enter_short', symbol: { unified: 'ETH/USDT:USDT' } },
      spec: { kind: 'twap', horizonMs: 60_000, intervalMs: 20_000 },
      totalAmount: '0.3',
      leverage: 3,
      now: T0,
    }),
  );
  const message = (index: number, dueAt: number) => ({
    accountId: 'acc-1',
    symbol: 'ETH/USDT:USDT',
    slice: { parentId: 'sparent', index },
    dueAt,
  });
  return { clock, release, sent, scheduler, message };
}

test('a due child becomes the child signal on the account#SYMBOL lane, deduplicated by its own id', async () => {
  const t = await setup();
  expect(await t.release.release(t.message(1, T0))).toBe('released');
  expect(t.sent).toEqual([
    {
      signal: expect.objectContaining({
        signalId: 'sparent.s1',
        intent: 'enter_short',
        source: 'algo',
        slice: { parentId: 'sparent', index: 1 },
        leverage: 3,
        symbol: expect.objectContaining({ unified: 'ETH/USDT:USDT', compact: 'ETHUSDT' }),
      }),
      groupId: 'acc-1#ETHUSDT',
      dedupId: 'sparent.s1',
    },
  ]);
});

test('a child not yet due (a wait past 15 minutes) is delayed again, not released', async () => {
  const t = await setup();
  expect(await t.release.release(t.message(1, T0 + 1_200_000))).toBe('delayed');
  expect(t.sent).toEqual([]);
  expect(t.scheduler.scheduled).toEqual([
    {
      child: { accountId: 'acc-1', symbol: 'ETH/USDT:USDT', slice: { parentId: 'sparent', index: 1 } },
      dueAt: T0 + 1_200_000,
    },
  ]);
  // within the queue's whole-second rounding it is on time
  expect(await t.release.release(t.message(1, T0 + 900))).toBe('released');
});

test('a child whose parent does not exist is dropped', async () => {
  const t = await setup();
  expect(await t.release.release({ ...t.message(1, T0), slice: { parentId: 'snone', index: 1 } })).toBe('dropped');
  expect(t.sent).toEqual([]);
});

test('parseTimedSlice reads the timer body and refuses anything else', () => {
  const body = { accountId: 'a', symbol: 'BTC/USDT:USDT', slice: { parentId: 'p', index: 0 }, dueAt: 5 };
  expect(parseTimedSlice(JSON.stringify(body))).toEqual(body);
  expect(parseTimedSlice('not json')).toBeUndefined();
  expect(parseTimedSlice(JSON.stringify({ ...body, slice: { parentId: 'p', index: -1 } }))).toBeUndefined();
  expect(parseTimedSlice(JSON.stringify({ ...body, dueAt: '5' }))).toBeUndefined();
});
