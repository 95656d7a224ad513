// PROTECTION FIRST (execute-signal.ts): after an entry fills, its stop and target rest on the
// exchange whatever write fails after the fill. The executor is the Lambda's composition
// (buildExecuteSignal) over the stand-in tables, trading on the fake Binance through unmodified
// ccxt; every write method of every repository port it uses is wrapped so that one chosen call
// fails. The calls are not listed here: a clean run records every write made after the entry fill
// (in the order made), and each one is then failed in turn, once (a retry must cure it) and, for
// the writes arming does not need, for good (arming must not depend on them). A write added later
// is in the recorded trace, hence covered.
import type { AuditEvent } from '../../../shared/core/domain/audit';
import type { OrderRecord } from '../../../shared/core/domain/order';
import type { Signal } from '../../../shared/core/signal/types';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { buildExecuteSignal, type TradingRuntime } from '../../../shared/runtime/executor';
import { AFTER_LEASE_MS, BTC, deliver, laterClock, sid, signalFor, startLiveSuite, type LiveSuite } from './helpers';

/** One fake key per case: each case's entry, stop and target are alone on its fake account. */
const KEYS = Array.from({ length: 80 }, (_, i) => ({ apiKey: `pf-key-${i}`, secret: `pf-secret-${i}`, usdt: 10_000 }));
const PROTECTION: Partial<Signal> = { sl: { kind: 'percent', value: 2 }, tp: { kind: 'percent', value: 3 } };
/** redeliveries a case may take (the queue's maxReceiveCount is larger): one per injected failure, and a spare */
const DELIVERIES = 4;

let s: LiveSuite;
let nextKey = 0;
beforeAll(async () => {
  s = await startLiveSuite({ fake: { accounts: KEYS } });
}, 60_000);
afterAll(() => s.close());

/**
 * Counts every write after the entry's fill, by port method (audit appends by event type), and
 * fails the one the case targets: its nth call once, or every call from the nth on.
 */
class WriteFaults {
  trace: string[] = [];
  private filled = false;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly entryId: string,
    private readonly target?: { key: string; nth: number; persistent: boolean },
  ) {}

  check(port: string, method: string, args: unknown[]): void {
    // The entry's result lands on its order record first thing after the fill: writes count from it.
    if (
      !this.filled &&
      port === 'orders' &&
      method === 'update' &&
      args[1] === this.entryId &&
      (args[2] as Partial<OrderRecord>).exchangeOrderId
    )
      this.filled = true;
    if (!this.filled) return;
    const key = port === 'audit' ? `audit.${method}:${(args[0] as AuditEvent).type}` : `${port}.${method}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    this.trace.push(`${key}#${n}`);
    const t = this.target;
    if (t && t.key === key && (t.persistent ? n >= t.nth : n === t.nth))
      throw new Error(`injected failure of ${key} call ${n}`);
  }
}

/** Every method of the port that is not a read (get…, list…) goes through `faults` first. */
function faulty<T extends object>(port: string, repo: T, faults: WriteFaults): T {
  const wrapped = Object.create(repo) as Record<string, unknown>;
  let proto: object | null = Object.getPrototypeOf(repo) as object | null;
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const fn = (repo as Record<string, unknown>)[name];
      if (
        name === 'constructor' ||
        typeof fn !== 'function' ||
        /^(get|list)/.test(name) ||
        name in Object.getOwnPropertyDescriptors(wrapped)
      )
        continue;
      wrapped[name] = (...args: unknown[]) => {
        faults.check(port, name, args);
        return (fn as (...a: unknown[]) => unknown).apply(repo, args);
      };
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return wrapped as T;
}

/** The executor as the Lambda builds it, over faulty repositories, its clock `laterMs` ahead. */
function executorWith(faults: WriteFaults, laterMs = 0) {
  const repos = s.h.runtime.repos;
  const wrapped = { ...repos };
  for (const port of ['orders', 'positions', 'trades', 'audit', 'signals', 'risk', 'accounts'] as const)
    (wrapped as Record<string, unknown>)[port] = faulty(port, repos[port], faults);
  const runtime: TradingRuntime = { ...s.h.runtime, clock: laterClock(s.h, laterMs), repos: wrapped };
  return buildExecuteSignal(s.h.executorEnv, runtime, s.h.vault);
}

async function newAccount(
  settings?: Parameters<LiveSuite['h']['createLiveAccount']>[0]['settings'],
): Promise<{ accountId: string; apiKey: string }> {
  const key = KEYS[nextKey++];
  if (!key) throw new Error('out of fake keys');
  const { accountId } = await s.h.createLiveAccount({
    exchange: 'binanceusdm',
    apiKey: key.apiKey,
    secret: key.secret,
    ...(settings ? { settings } : {}),
  });
  return { accountId, apiKey: key.apiKey };
}

/**
 * Delivers the signal as the queue would (again after the lease lapses) until it succeeds or the
 * deliveries run out. Each redelivery's container reads its clock a lapsed lease later than the one
 * before, instead of the test waiting for the lease.
 */
async function deliverUntilDone(signal: Signal, faults: WriteFaults): Promise<number> {
  for (let delivery = 1; delivery <= DELIVERIES; delivery++) {
    const result = await deliver(executorWith(faults, (delivery - 1) * AFTER_LEASE_MS), signal);
    if (result.batchItemFailures.length === 0) return delivery;
  }
  return DELIVERIES + 1;
}

const restingAlgos = (apiKey: string) =>
  s.fake
    .algoOrders(apiKey)
    .filter((a) => a.algoStatus === 'NEW')
    .map((a) => `${a.orderType} ${a.side} ${a.quantity}${a.reduceOnly ? ' reduce-only' : ''}`)
    .sort();
const entryOrders = (apiKey: string) => s.fake.orders(apiKey).filter((o) => !o.reduceOnly);
const auditOf = async (accountId: string) =>
  (await s.h.runtime.repos.audit.listByAccount(accountId, 500)).filter((e) => e.accountId === accountId);

let trace: string[] = [];
let cleanProtection: string[] = [];

test('a clean run: entry, then the stop and target rest; its writes after the fill are recorded for the cases below', async () => {
  const { accountId, apiKey } = await newAccount();
  const signal = signalFor(accountId, sid('pfclean'), PROTECTION);
  const faults = new WriteFaults(clientOrderIdFor(signal.signalId, 'open'));

  expect(await deliverUntilDone(signal, faults)).toBe(1);

  cleanProtection = restingAlgos(apiKey);
  expect(cleanProtection).toEqual(['STOP_MARKET SELL 0.015 reduce-only', 'TAKE_PROFIT_MARKET SELL 0.015 reduce-only']);
  trace = faults.trace;
  // The invariant itself: every audit event of the signal (risk.accepted and order.filled
  // included) is written after the last write that arms the protection (its refs on the position).
  const armedAt = trace.lastIndexOf(trace.filter((k) => k.startsWith('positions.save')).at(-1) as string);
  const firstAudit = trace.findIndex((k) => k.startsWith('audit.append'));
  expect(armedAt).toBeGreaterThan(0);
  expect(firstAudit).toBeGreaterThan(armedAt);
  expect(trace).toEqual(
    expect.arrayContaining([
      'audit.append:risk.accepted#1',
      'audit.append:order.filled#1',
      'audit.append:trade.opened#1',
      'signals.finishExecution#1',
      'audit.append:signal.executed#1',
      'trades.put#1',
      'orders.putIntent#1',
    ]),
  );
}, 30_000);

/** Writes whose lasting failure makes arming impossible (the book and order table it stands on): failed once only. */
const NEEDED = /^(orders\.|positions\.|trades\.)/;

describe.each([
  ['once: the retry arms it', false],
  ['for good: arming does not wait for it', true],
] as const)('each write after the fill failing %s', (_mode, persistent) => {
  test('every write of the clean run, in turn', async () => {
    expect(trace.length).toBeGreaterThan(10);
    const cases = trace.filter((k) => !(persistent && NEEDED.test(k)));
    const failures: string[] = [];
    for (const write of cases) {
      const [key, nth] = write.split('#') as [string, string];
      const { accountId, apiKey } = await newAccount();
      const signal = signalFor(accountId, sid(`pf${persistent ? 'p' : 'o'}${nextKey}`), PROTECTION);
      const faults = new WriteFaults(clientOrderIdFor(signal.signalId, 'open'), { key, nth: Number(nth), persistent });
      const deliveries = await deliverUntilDone(signal, faults);
      const record = await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId);
      const events = await auditOf(accountId);
      const problems = [
        // the stop and the target rest, once each, sized to the fill
        JSON.stringify(restingAlgos(apiKey)) === JSON.stringify(cleanProtection)
          ? ''
          : `protection ${JSON.stringify(restingAlgos(apiKey))}`,
        // one entry order, whatever the retries
        entryOrders(apiKey).length === 1 ? '' : `${entryOrders(apiKey).length} entry orders`,
        // the outcome is recorded, or the message is still on its way back (a lasting failure of the ledger: DLQ, alarmed)
        record?.status === 'executed' || (persistent && key === 'signals.finishExecution' && deliveries > DELIVERIES)
          ? ''
          : `ledger ${record?.status} after ${deliveries} deliveries`,
        // the trail says how it ended: signal.executed, or the alert naming the event the table refused
        events.some((e) => e.type === 'signal.executed') ||
        events.some((e) => e.type === 'alert' && e.data?.lostType === 'signal.executed') ||
        key === 'signals.finishExecution'
          ? ''
          : 'no signal.executed in the audit trail',
        // a refused audit event is not silently missing: written on a retry, or stood in for by an alert
        key.startsWith('audit.append:') &&
        !events.some((e) => e.type === key.slice('audit.append:'.length)) &&
        !events.some((e) => e.type === 'alert' && e.data?.lostType === key.slice('audit.append:'.length))
          ? `${key} neither written nor alerted`
          : '',
      ].filter(Boolean);
      if (problems.length) failures.push(`${write}: ${problems.join(', ')}`);
    }
    expect(failures).toEqual([]);
  }, 240_000);
});

test('the finding: size 1e308 with sl/tp is capped, filled, protected and executed; its risk.accepted is in the trail', async () => {
  const { accountId, apiKey } = await newAccount();
  const signal = signalFor(accountId, sid('pf1e308'), { ...PROTECTION, size: { kind: 'contracts', value: 1e308 } });
  const faults = new WriteFaults(clientOrderIdFor(signal.signalId, 'open'));

  const deliveries = await deliverUntilDone(signal, faults);

  expect(entryOrders(apiKey)).toHaveLength(1);
  expect(restingAlgos(apiKey)).toHaveLength(2);
  expect(restingAlgos(apiKey).every((a) => a.endsWith('reduce-only'))).toBe(true);
  expect(deliveries).toBe(1);
  expect((await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId))?.status).toBe('executed');
  const events = await auditOf(accountId);
  // The DynamoDB document client refuses the event (its `size` 1e308 is above what a number can
  // hold there): the alert standing in for it carries its message, the accepted amount included.
  expect(
    events.some(
      (e) =>
        e.type === 'alert' &&
        e.data?.lostType === 'risk.accepted' &&
        /Number 1e\+308 is greater than Number.MAX_SAFE_INTEGER.*entry accepted: 0\.\d+ BTC/.test(e.message),
    ),
  ).toBe(true);
  expect(events.some((e) => e.type === 'signal.executed')).toBe(true);
}, 30_000);

test('an audit table that refuses everything of the signal: the stop still rests, and the attempt fails loudly instead of finishing silently', async () => {
  const { accountId, apiKey } = await newAccount();
  const signal = signalFor(accountId, sid('pfauditdown'), PROTECTION);
  const repos = s.h.runtime.repos;
  const broken = Object.create(repos.audit) as typeof repos.audit;
  broken.append = (event) =>
    event.signalId === signal.signalId
      ? Promise.reject(new Error('audit table unavailable'))
      : repos.audit.append(event);
  const executor = buildExecuteSignal(
    s.h.executorEnv,
    { ...s.h.runtime, repos: { ...repos, audit: broken } },
    s.h.vault,
  );

  const result = await deliver(executor, signal);

  expect(result.batchItemFailures).toHaveLength(1); // back to the queue (then the DLQ and its alarm)
  expect(restingAlgos(apiKey)).toEqual([
    'STOP_MARKET SELL 0.015 reduce-only',
    'TAKE_PROFIT_MARKET SELL 0.015 reduce-only',
  ]);
  expect(entryOrders(apiKey)).toHaveLength(1);
  expect((await repos.signals.getSignal(accountId, signal.signalId))?.status).toBe('executing');
  const position = await repos.positions.get(accountId, BTC.unified);
  expect(position?.stopLoss?.clientOrderId).toBe(clientOrderIdFor(signal.signalId, 'sl'));
}, 30_000);

test('a redelivery after the fill does not ask the risk engine again: counting the position it opened, it would refuse the entry and leave it without its stop', async () => {
  // 10 % of equity per position: the entry (≈ 9.75 %) passes; entered again on top of itself, it would not.
  const { accountId, apiKey } = await newAccount({ risk: { limits: { maxPositionPct: 10 } } });
  const signal = signalFor(accountId, sid('pfresume'), PROTECTION);
  // The stop's refs fail to reach the book once (the last write arming makes): the message comes back.
  const faults = new WriteFaults(clientOrderIdFor(signal.signalId, 'open'), {
    key: 'positions.save',
    nth: 2,
    persistent: false,
  });

  expect(await deliverUntilDone(signal, faults)).toBe(2);

  expect(entryOrders(apiKey)).toHaveLength(1);
  expect(restingAlgos(apiKey)).toEqual([
    'STOP_MARKET SELL 0.015 reduce-only',
    'TAKE_PROFIT_MARKET SELL 0.015 reduce-only',
  ]);
  expect((await s.h.runtime.repos.signals.getSignal(accountId, signal.signalId))?.status).toBe('executed');
  expect(
    (await auditOf(accountId))
      .filter((e) => e.type === 'risk.accepted' || e.type === 'risk.refused')
      .map((e) => e.type),
  ).toEqual(['risk.accepted']);
}, 30_000);
