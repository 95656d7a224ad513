// Fuzzes the webhook path in-process (the Lambda handler over AcceptWebhook, ports in memory) with
// the generators of the property test, many more of them: node --import tsx bench/fuzz.ts
// [--runs N] [--seed S]. Prints a progress line, then the answers by status and the errors: a
// throw, a 5xx, a refused request that queued something, or an accepted signal with a value that
// could fail later (test/fuzz/signal-checks.ts). Exits 1 when there is any.
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { fuzzRequest, type FuzzRequest } from '../test/fuzz/bodies';
import { FUZZ_LIMITS, FUZZ_MAX_LEVERAGE, FUZZ_T0, webhookUnderTest } from '../test/fuzz/harness';
import { acceptedBodyProblems, signalProblems } from '../test/fuzz/signal-checks';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error('--runs must be a whole number ≥ 1');
if (!Number.isSafeInteger(seed)) throw new Error('--seed must be a whole number');

const BOUNDS = {
  now: FUZZ_T0,
  maxLeverage: FUZZ_MAX_LEVERAGE,
  maxAgeMs: FUZZ_LIMITS.maxSignalAgeMs,
  maxFutureMs: FUZZ_LIMITS.maxFutureSkewMs,
};
const CHUNK = 10_000;

const webhook = webhookUnderTest();
const byStatus = new Map<number, number>();
const errors: { request: FuzzRequest; error: string }[] = [];
const started = performance.now();

// fc.sample draws `numRuns` values from one seeded stream: the chunks together are one reproducible run.
const requests = fc.sample(fuzzRequest, { seed, numRuns: runs });
for (let i = 0; i < requests.length; i++) {
  const request = requests[i] as FuzzRequest;
  try {
    const { status, queued } = await webhook.post(request.body, {
      base64: request.base64,
      ...(request.pathAccount !== undefined ? { pathAccount: request.pathAccount } : {}),
    });
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    if (status >= 500) errors.push({ request, error: `status ${status}` });
    else if (status !== 202 && queued.length > 0)
      errors.push({ request, error: `status ${status} but ${queued.length} queued` });
    else if (status === 202) {
      const problems =
        queued.length === 1
          ? [...signalProblems(queued[0]!.signal, BOUNDS), ...acceptedBodyProblems(request.body)]
          : [`202 with ${queued.length} queued`];
      if (problems.length) errors.push({ request, error: problems.join('; ') });
    }
  } catch (e) {
    errors.push({ request, error: `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` });
  }
  if ((i + 1) % CHUNK === 0 || i + 1 === requests.length) {
    const s = (performance.now() - started) / 1000;
    process.stdout.write(
      `\r${String(i + 1).padStart(String(runs).length)} / ${runs} cases  ${s.toFixed(1)} s  ${Math.round((i + 1) / s)} cases/s  errors ${errors.length}   `,
    );
  }
}
process.stdout.write('\n');

const accepted = byStatus.get(202) ?? 0;
const refused = [...byStatus.entries()].filter(([status]) => status !== 202).sort(([a], [b]) => a - b);
console.log(`seed ${seed}, ${runs} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`accepted (202): ${accepted}`);
console.log(`refused by status: ${refused.map(([status, n]) => `${status}: ${n}`).join(', ')}`);
console.log(`errors: ${errors.length}`);
for (const { request, error } of errors.slice(0, 10))
  console.log(`  ${error}\n    body ${JSON.stringify(request.body).slice(0, 300)}${request.base64 ? ' (base64)' : ''}`);
if (errors.length) process.exitCode = 1;
