// Property: whatever arrives, the webhook answers a 2xx or a 4xx (never a 5xx, never a throw); a
// refused request queues nothing; an accepted one queues one signal whose every number is finite,
// inside the contract's bounds and storable by DynamoDB, and whose identifiers are ASCII, so
// nothing after the 202 can fail on its values. Fixed seed: the same bodies on every run
// (bench/fuzz.ts runs 100,000+ with any seed).
import fc from 'fast-check';
import { fuzzRequest } from '../../../fuzz/bodies';
import { FUZZ_LIMITS, FUZZ_MAX_LEVERAGE, FUZZ_T0, webhookUnderTest } from '../../../fuzz/harness';
import { acceptedBodyProblems, signalProblems } from '../../../fuzz/signal-checks';

const SEED = 20261207;
const NUM_RUNS = 2_500;
const BOUNDS = {
  now: FUZZ_T0,
  maxLeverage: FUZZ_MAX_LEVERAGE,
  maxAgeMs: FUZZ_LIMITS.maxSignalAgeMs,
  maxFutureMs: FUZZ_LIMITS.maxFutureSkewMs,
};

describe('webhook under hostile input (fast-check, seed 20261207)', () => {
  it(`answers ${NUM_RUNS} generated requests with 2xx/4xx; refused ones queue nothing; accepted ones carry only in-bound, storable values`, async () => {
    const webhook = webhookUnderTest();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        const { status, body, queued } = await webhook.post(request.body, {
          base64: request.base64,
          ...(request.pathAccount !== undefined ? { pathAccount: request.pathAccount } : {}),
        });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // Plain checks rather than expect() per case: a third of the suite's time otherwise.
        if (![200, 202, 400, 401, 403, 413, 422].includes(status))
          throw new Error(`status ${status}: ${JSON.stringify(body)}`);
        if (status !== 202) {
          if (queued.length) throw new Error(`refused with ${status} but queued ${queued.length}`);
          return;
        }
        const [message] = queued;
        if (!message || queued.length !== 1 || body.signalId !== message.signal.signalId)
          throw new Error(`202 with ${queued.length} queued`);
        const problems = [...signalProblems(message.signal, BOUNDS), ...acceptedBodyProblems(request.body)];
        if (problems.length) throw new Error(problems.join('; '));
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );

    // The generators must reach both sides: accepted alerts and every kind of refusal.
    for (const status of [202, 400, 401, 422]) expect(statuses.get(status) ?? 0).toBeGreaterThan(NUM_RUNS / 100);
  }, 60_000);
});
