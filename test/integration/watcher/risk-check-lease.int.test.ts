// The risk-check job and the price watcher share the account's lease in the risk table (the real
// DynamoDB repository on the stand-in): a watcher's move holds it for a moment, and the job waits
// that moment out instead of skipping the account's whole check for the minute; a lease held
// longer (another run of the job) still makes the account busy.
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { createHarness, type Harness } from '../harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

test('a lease the watcher gives back within the wait is waited for; one held longer leaves the account busy', async () => {
  const { accountId } = await h.createAccount(10_000);
  const { risk } = h.runtime.repos;
  const now = Date.now();
  expect(await risk.acquireLease(accountId, 'price-watcher-test', now + 30_000, now)).toBe(true);
  const released = new Promise<void>((resolve) =>
    setTimeout(() => void risk.releaseLease(accountId, 'price-watcher-test').then(resolve), 300),
  );
  const waited = await buildRiskCheck(h.executorEnv, h.runtime, h.vault).run();
  await released;
  expect(waited.busy).toBe(0);
  expect(waited.snapshots).toBeGreaterThanOrEqual(1);

  const later = Date.now();
  expect(await risk.acquireLease(accountId, 'risk-check-other-run', later + 60_000, later)).toBe(true);
  const busy = await buildRiskCheck(h.executorEnv, h.runtime, h.vault).run();
  expect(busy.busy).toBe(1);
  await risk.releaseLease(accountId, 'risk-check-other-run');
});
