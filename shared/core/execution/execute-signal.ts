// The executor's use case: one queued signal → the orders it implies, exactly once.
// Order of work: lease the signal → account → credentials → live position (case 24) → legs
// (close before open) → for each leg: intent, send, result, book → protective orders → done.
//
// PROTECTION FIRST. Once an entry has filled, the next thing on the exchange is its stop (and
// targets, trailing stop); every write that arming does not need comes after. A write that fails
// after the fill must never leave a position open without its stop (a `size: 1e308` entry once
// filled, its `risk.accepted` audit write was refused by DynamoDB, the error went up before the
// stop was placed, every retry failed the same way and the position stayed unprotected). After
// the entry fill, in this order:
//   1. the entry's order record (status, fill) and the audit `order.filled`: inside OrderSender;
//      the record is what makes a retry adopt the fill instead of sending a second entry. The
//      audit event is held (below), not written yet.
//   2. the book (trade row, then position row, then the order marked booked): arming needs it: the
//      stop is sized from the booked position and its refs are saved on the position row, where
//      the risk-check job looks for them. A failure here returns the signal to the queue; the retry
//      adopts the filled entry (same client order id: no second entry) and arms.
//   3. arming: protective intents (the order table: exactly once per leg), the orders, the refs.
//   4. only now, what arming does not need: the signal's held audit events (order.*, trade.*,
//      order.canceled) and the risk engine's `risk.accepted`, each retried, an event the table keeps
//      refusing replaced by an alert that names it; if even that alert fails the error is raised
//      before the signal is finished, so the message is retried and ends in the DLQ (alarmed) —
//      never swallowed.
//   5. the ledger (executed / rejected) and the `signal.executed` audit event, retried likewise.
// Audit events are held only when `auditHold` is given (the runtime wires the one AuditHold that
// OrderSender, BookKeeper, ProtectionManager and EntryRisk append through). A redelivery after
// step 3 finds the position armed by this signal and does not arm it twice (ProtectionManager.arm);
// a redelivery after the entry reached the exchange resumes with that order rather than asking
// the risk engine again (which, now counting the position, could refuse a filled entry).
// Positions that still end up without a stop (the process died between 2 and 3) are found and
// armed by the risk-check job from the protection recorded on the entry's order record.
import {
  DomainError,
  SignalRejectedError,
  terminalArithmeticError,
  terminalRejection,
  TransientError,
} from '../errors';
import type { Account } from '../domain/account';
import type { AuditEvent, ErrorDetails } from '../domain/audit';
import { Big, floorToStep, roundToStep, type Decimal } from '../domain/money';
import type { OrderLeg, OrderRecord, OrderSide, OrderType, TimeInForce } from '../domain/order';
import type { BookPosition, PositionSide } from '../domain/trade';
import { closingSide, isOpen, levelSitsBelow } from '../domain/trade-math';
import {
  ExchangeBannedError,
  type AccountReads,
  type AuditAppender,
  type Clock,
  type EntryGate,
  type EntryVerdict,
  type ExchangeFactory,
  type ExchangePort,
  type ExchangePosition,
  type ExecutionLedger,
  type KeyVault,
  type MarketInfo,
  type OrderRepository,
} from './ports';
import { clientOrderIdFor } from '../signal/ids';
import { isEntry } from '../signal/intent';
import { OWNER_INTENTS, type Intent, type PriceLevel, type Signal } from '../signal/types';
import { fillFrom, type BookKeeper } from './book-keeper';
import { signedQuantity, type LegResult, type OrderSender } from './order-sender';
import { accountRiskConfig } from '../risk/account-config';
import type { ExecutionBounds } from '../risk/config';
import { protectionSpecOf, type ProtectionManager, type ProtectionOrigin } from './protection';
import type { ApprovedEntry, EntryRisk, RiskSnapshot } from './entry-risk';
import { checkSlippage, type SlippagePolicy } from './slippage-guard';
import { expectedFill } from './sizing';
import { standIn, writeWithRetries, type AuditHold } from './audit-hold';
import type { AlgoControl } from './algo/algo-control';
import { algoFor, algoTagOf, childSignal, startParent } from './algo/parent';
import { adaptiveSlice, twapSlice } from './algo/slice-sizing';
import type { AlgoParent, SliceRef } from './algo/types';
import { refsOf } from './protection';

export interface ExecuteSignalDeps {
  accounts: AccountReads;
  ledger: ExecutionLedger;
  audit: AuditAppender;
  vault: KeyVault;
  exchanges: ExchangeFactory;
  sender: OrderSender;
  book: BookKeeper;
  protection: ProtectionManager;
  /** the risk engine's decision on every entry (size, leverage, limits, kill switches) */
  risk: EntryRisk;
  clock: Clock;
  leaseMs: number;
  /** slippage guard for market entries when the account sets none */
  slippage?: SlippagePolicy;
  /**
   * The audit log that sender, book, protection and risk append through, able to hold this
   * signal's events until its protection is armed (see the top of this file). Without it, events
   * are written as they happen (their failure still never skips arming for `risk.accepted`).
   */
  auditHold?: AuditHold;
  /** the order table: a redelivery finds the entry an earlier delivery sent (see placeAndProtect) */
  orders?: Pick<OrderRepository, 'get'>;
  /**
   * Asked before the risk engine sizes an entry (the ensemble vote): it may hold the entry back.
   * Closes, reduces and protective orders never ask it, and the close of a reverse never waits
   * for it. Absent: no gate, nothing asked.
   */
  entryGate?: EntryGate;
  /**
   * Platform errors no retry can cure (a number the database refuses…) as a terminal rejection;
   * undefined leaves the error retryable. Composed in shared/runtime (core knows no AWS errors).
   */
  terminal?: (error: unknown, signal: Signal) => SignalRejectedError | undefined;
  /**
   * Sliced entries (docs/EXECUTION-ALGOS.md): the parents' rows and the durable slice timer. Absent:
   * no entry is sliced (a signal's `algo` is then sent as one order) and no close has slices to cancel.
   */
  algo?: AlgoControl;
}

/** `exchange`: the account's exchange once known (metrics dimension). */
export type ExecutionOutcome =
  | { status: 'executed'; summary: string; orders: string[]; exchange?: string }
  | { status: 'rejected'; code: string; reason: string; exchange?: string }
  | { status: 'skipped'; reason: string };

interface PlannedLeg {
  leg: OrderLeg;
  side: OrderSide;
  reduceOnly: boolean;
  /** fixed amount for closes; undefined for an entry (sized after the closes) */
  amount?: string;
  exitReason: 'signal' | 'reverse';
}

export class ExecuteSignal {
  constructor(private readonly deps: ExecuteSignalDeps) {}

  async execute(signal: Signal): Promise<ExecutionOutcome> {
    const { ledger, clock } = this.deps;
    const claim = await ledger.beginExecution(
      {
        accountId: signal.accountId,
        signalId: signal.signalId,
        status: 'executing',
        symbol: signal.symbol.unified,
        intent: signal.intent,
        receivedAt: signal.receivedAt,
        updatedAt: clock.now(),
        ...(signal.alertId !== undefined ? { alertId: signal.alertId } : {}),
        ...(signal.strategy ? { strategy: signal.strategy } : {}),
      },
      clock.now(),
      this.deps.leaseMs,
    );
    if (claim === 'done') return { status: 'skipped', reason: 'already executed' };
    if (claim === 'busy') throw new TransientError(`signal ${signal.signalId} is being executed by another delivery`);

    const context: { exchange?: string } = {};
    try {
      const outcome = await this.run(signal, context, claim === 'resume');
      await ledger.finishExecution(signal.accountId, signal.signalId, 'executed', outcome.summary, clock.now());
      await this.auditOutcome(signal, outcome.summary, { type: 'signal.executed', data: { orders: outcome.orders } });
      return { ...outcome, ...(context.exchange ? { exchange: context.exchange } : {}) };
    } catch (error) {
      if (error instanceof ExchangeBannedError) await this.haltAccount(signal.accountId, error);
      // A poison message is rejected once, not retried: it would block its group (account#symbol).
      // Our own errors say which they are by their class; third-party ones are read at the boundary.
      const rejection =
        error instanceof DomainError
          ? terminalRejection(error)
          : (this.deps.terminal?.(error, signal) ?? terminalArithmeticError(error));
      if (rejection) {
        await this.abandonIntents(signal, rejection);
        await this.cancelParentOf(signal, rejection);
        await ledger.finishExecution(
          signal.accountId,
          signal.signalId,
          'rejected',
          `${rejection.code}: ${rejection.message}`,
          clock.now(),
        );
        await this.auditOutcome(signal, rejection.message, {
          type: 'signal.rejected',
          data: { code: rejection.code, ...rejection.details },
        });
        return {
          status: 'rejected',
          code: rejection.code,
          reason: rejection.message,
          ...(context.exchange ? { exchange: context.exchange } : {}),
        };
      }
      throw error; // retryable: the message returns to the queue, the lease expires, a retry resumes
    }
  }

  /**
   * A queued message that is not a valid signal but names its account and signal: rejected once
   * (ledger, audit, notification) rather than retried, which would block its FIFO group.
   */
  async rejectInvalid(owner: { accountId: string; signalId: string }, reason: string): Promise<ExecutionOutcome> {
    const { ledger, clock } = this.deps;
    const claim = await ledger.beginExecution(
      { ...owner, status: 'executing', updatedAt: clock.now() },
      clock.now(),
      this.deps.leaseMs,
    );
    if (claim === 'done') return { status: 'skipped', reason: 'already executed' };
    if (claim === 'busy') throw new TransientError(`signal ${owner.signalId} is being executed by another delivery`);
    await ledger.finishExecution(
      owner.accountId,
      owner.signalId,
      'rejected',
      `INVALID_MESSAGE: ${reason}`,
      clock.now(),
    );
    await this.deps.audit.append({
      ...owner,
      type: 'signal.rejected',
      at: clock.now(),
      message: reason,
      data: { code: 'INVALID_MESSAGE' },
    });
    return { status: 'rejected', code: 'INVALID_MESSAGE', reason };
  }

  private async run(
    signal: Signal,
    context: { exchange?: string },
    /** an earlier delivery held this signal's lease and did not finish (the ledger's 'resume') */
    resumed = false,
  ): Promise<{ status: 'executed'; summary: string; orders: string[] }> {
    const account = await this.deps.accounts.get(signal.accountId);
    if (!account) throw new SignalRejectedError(`account ${signal.accountId} does not exist`, 'UNKNOWN_ACCOUNT');
    context.exchange = account.exchange;
    const entry = isEntry(signal.intent);
    // Closes always pass; only new exposure is refused (case 25). A reverse still closes.
    let entryRefusal =
      entry && account.status !== 'active'
        ? new SignalRejectedError(
            `account is ${account.status}: entries refused, closes allowed`,
            'ACCOUNT_NOT_ACTIVE',
            { status: account.status },
          )
        : undefined;
    if (account.haltedUntil !== undefined && this.deps.clock.now() < account.haltedUntil) {
      // The exchange banned our IP (418): every call would fail and lengthen the ban.
      throw new SignalRejectedError(
        `trading halted until ${new Date(account.haltedUntil).toISOString()}: ${account.haltReason ?? 'exchange ban'}`,
        'ACCOUNT_HALTED',
        { until: account.haltedUntil },
      );
    }
    const bounds = accountRiskConfig(account).execution;
    // A late entry trades a market that has moved on; an earlier delivery's order is resolved first.
    // A slice is due by its parent's schedule, not by the webhook's receipt (the safety net sees to late ones).
    entryRefusal ??= entry && !signal.slice ? await this.expiry(signal, bounds) : undefined;
    // The risk engine's table reads overlap the key decryption and the exchange calls below.
    // A slice reads its own (runSlice), after it knows its parent still runs.
    const sliced = signal.slice !== undefined;
    const riskSnapshot = entry && !entryRefusal && !sliced ? settleLater(this.deps.risk.prefetch(account)) : undefined;
    // So do the book's position and an earlier delivery's entry record: this signal writes neither
    // before its orders, and a concurrent writer (the risk-check job booking a protective fill) is
    // met by the book's conditional writes whenever the read happens, as before.
    const bookRead = settleLater(this.deps.book.position(account.accountId, signal.symbol.unified));
    const sentRead =
      entry && !entryRefusal && !sliced && this.deps.orders
        ? settleLater(this.deps.orders.get(account.accountId, clientOrderIdFor(signal.signalId, 'open')))
        : undefined;
    // The gate's answer (a vote of models: seconds) overlaps the same calls; only the entry leg
    // awaits it, so the close of a reverse never waits for it.
    // A sliced entry's row (a redelivery of its parent) is read beside them too, and only on a
    // redelivery. Why that is safe: the row `algo#<signalId>` is created only by this signal's own
    // execution (placeAndProtect, `algo.start`), which runs only under a lease the ledger granted;
    // the ledger's record of that lease is written before it and never deleted, so a later claim of
    // the same signal is 'resume', not 'run'. A first claim ('run') therefore proves no row exists:
    // a crash after the row's write and before child 0, or after child 0, comes back as 'resume' and
    // reads it (child 0 is then adopted by its client id, never sent twice). Not the signal's `algo`
    // or the account's threshold: the threshold may change, and the notional moves with the price,
    // between the crash and the redelivery, which would then send the whole entry again.
    const parentRead =
      entry && !entryRefusal && !sliced && resumed && this.deps.algo
        ? settleLater(this.deps.algo.get(account.accountId, signal.signalId))
        : undefined;
    // The running parents a close cancels before its legs, read beside the exchange calls: the lane
    // (account#SYMBOL, FIFO) runs one signal at a time and only its entries start parents, so the
    // list cannot grow between this read and the cancel (a parent's own row is re-read on a lost write).
    const runningRead =
      this.deps.algo && closeSideOf(signal.intent)
        ? settleLater(this.deps.algo.running(account.accountId, signal.symbol.unified))
        : undefined;
    // The parent passed the gate once for the whole entry: its slices are never voted on again.
    const verdict = entry && !entryRefusal && !sliced ? this.entryVerdict(signal, account, sentRead) : undefined;
    const credentials = account.credentials
      ? await this.deps.vault.decrypt(account.accountId, account.credentials)
      : undefined;
    const exchange = await this.deps.exchanges.forAccount(account, credentials);
    if (entry && !entryRefusal) checkCapabilities(signal, exchange);
    const symbol = signal.symbol.unified;
    const market = await exchange.loadMarket(symbol);
    const live = await exchange.fetchPosition(symbol);
    if (isOwnerOrder(signal.intent)) return this.ownerOrder(signal, exchange, market, live, await bookRead);
    if (signal.slice) return this.runSlice(signal, signal.slice, account, exchange, market, live, entryRefusal);
    // A close, a flatten or a reverse ends the slices still to come BEFORE its own legs.
    await this.cancelSlicing(signal, live, runningRead);
    const legs = planLegs(signal, live, market);
    const absolute = entry && !entryRefusal ? absolutePrices(signal) : [];
    const last = absolute.length > 0 ? (await exchange.fetchPrice(symbol)).last : undefined;
    // Refused before any order; the close of a reverse still runs.
    if (last !== undefined) entryRefusal = outsideBand(absolute, last, bounds.priceBandFactor);
    if (entryRefusal && !legs.some((l) => l.reduceOnly)) throw entryRefusal;
    if (legs.length === 0)
      return { status: 'executed', summary: `nothing to do: ${describe(live)} for ${signal.intent}`, orders: [] };

    const book = await bookRead;
    const leverage = entry ? (signal.leverage ?? account.settings.defaultLeverage) : book.leverage;
    if (entry && !entryRefusal && last !== undefined) {
      const side: PositionSide = signal.intent === 'enter_long' ? 'long' : 'short';
      if (signal.sl) validateLevel('sl', signal.sl, side, last);
      if (signal.tp) validateLevel('tp', signal.tp, side, last);
    }
    // A close always runs: a wild {{close}} is only left off its order records (kept for slippage analysis).
    const reference = last ?? (live ? Number(live.entryPrice) : undefined);
    const recorded =
      signal.signalPrice !== undefined &&
      reference !== undefined &&
      !withinBand(signal.signalPrice, reference, bounds.priceBandFactor)
        ? withoutSignalPrice(signal)
        : signal;

    // From the first send until the stop rests, this signal's audit events wait (step 4 above).
    this.deps.auditHold?.hold(signal.signalId);
    const accepted: ApprovedEntry[] = [];
    let result: Awaited<ReturnType<ExecuteSignal['placeAndProtect']>>;
    try {
      result = await this.placeAndProtect(
        signal,
        recorded,
        live,
        exchange,
        legs,
        account,
        market,
        leverage,
        book,
        riskSnapshot,
        entryRefusal,
        accepted,
        sentRead,
        verdict,
        parentRead,
      );
    } catch (error) {
      // What waited is written before the error goes up; the error is the one to report (a retry
      // or the rejection's own audit event follows).
      await this.releaseAudit(signal, accepted);
      throw error;
    }
    // Armed: what waited is written now. An event lost even as an alert fails the attempt before
    // the signal is finished: the retry finds the entry filled and the stop resting, and writes again.
    const lost = await this.releaseAudit(signal, accepted);
    if (lost.length)
      throw new TransientError(
        `signal ${signal.signalId}: ${lost.length} audit event(s) could not be written: ${lost.join('; ')}`,
      );
    return result;
  }

  private async placeAndProtect(
    signal: Signal,
    /** the signal as its close records keep it (a wild price left off) */
    recorded: Signal,
    /** the live position read before any leg: what an unclear entry send is checked against */
    live: ExchangePosition | undefined,
    exchange: ExchangePort,
    legs: PlannedLeg[],
    account: Account,
    market: MarketInfo,
    leverage: number,
    book: BookPosition,
    riskSnapshot: Promise<RiskSnapshot> | undefined,
    refusal: SignalRejectedError | undefined,
    accepted: ApprovedEntry[],
    /** an earlier delivery's entry record, read while the exchange was asked (absent: read here) */
    sentRead?: Promise<OrderRecord | undefined>,
    /** the entry gate's answer, started with the reads (absent: no gate) */
    verdict?: Promise<EntryVerdict>,
    /** a sliced entry's row an earlier delivery created, read with the others (absent: none can exist) */
    parentRead?: Promise<AlgoParent | undefined>,
  ): Promise<{ status: 'executed'; summary: string; orders: string[] }> {
    const symbol = signal.symbol.unified;
    const entry = isEntry(signal.intent);
    let entryRefusal = refusal;
    const placed: string[] = [];
    let resting = false;
    let gateNote: string | undefined;
    /** a sliced entry's first child went instead of the whole entry: what it did */
    let slicedNote: string | undefined;
    for (const leg of legs) {
      // Protective orders of the old position go before it is closed or reversed. planLegs puts
      // the one closing leg first, so `book` (read above) is still the position it closes.
      if (leg.reduceOnly) {
        // A partial close (an alert's reduce or the owner's) keeps the stop resting through the
        // fill, reduce-only: it is re-sized after (below), so what is left is never without one.
        if (leg.leg !== 'reduce') await this.deps.protection.cancelAll(exchange, book);
        const record = this.orderRecord(
          recorded,
          leg.leg,
          symbol,
          leg.side,
          'market',
          leg.amount ?? '0',
          true,
          leverage,
        );
        placed.push((await this.placeMarket(exchange, record, leg.exitReason, book)).record.clientOrderId);
        continue;
      }
      if (entryRefusal) break;
      // A redelivery of a sliced entry: the risk engine decided the whole once, the parent's row
      // holds it; its first child is resumed (adopted if sent), never a second whole entry.
      // No read started: a first delivery, whose parent cannot exist yet (see `parentRead` in run).
      const parent = parentRead ? await parentRead : undefined;
      if (parent) {
        const first = await this.resumeFirstSlice(
          parent,
          exchange,
          account,
          market,
          placed.length > 0 ? undefined : live,
        );
        placed.push(...first.placed);
        slicedNote = first.note;
        continue;
      }
      // A redelivery after the entry was sent: the risk engine decided it then, and deciding again
      // (now counting the position it opened) could refuse an entry that filled and leave it
      // without its stop. Resume with that order: the sender adopts it, the book and stop follow.
      // An intent never seen by the exchange is decided again (a kill switch may have tripped since).
      const sent = await (sentRead ??
        this.deps.orders?.get(account.accountId, clientOrderIdFor(signal.signalId, 'open')));
      if (
        sent &&
        sent.status !== 'rejected' &&
        (sent.status !== 'intent' || (await exchange.fetchOrderByClientId(symbol, sent.clientOrderId)))
      ) {
        const result = await this.sendEntry(exchange, sent);
        resting = result.kind === 'resting';
        placed.push(sent.clientOrderId);
        continue;
      }
      let approved: { entry: ApprovedEntry; free: Decimal };
      try {
        const answer = await verdict;
        if (answer && !answer.proceed) throw new SignalRejectedError(answer.reason, answer.code, answer.details);
        gateNote = answer?.note;
        approved = await this.approveEntry(
          exchange,
          signal,
          account,
          market,
          leverage,
          riskSnapshot as Promise<RiskSnapshot>,
        );
      } catch (error) {
        // The close of a reverse has gone through: report the refused entry (risk engine or gate),
        // do not undo the close.
        if (error instanceof SignalRejectedError && placed.length > 0) {
          entryRefusal = error;
          break;
        }
        throw error;
      }
      await this.ensureLeverage(exchange, symbol, approved.entry.leverage, book);
      const spec = this.deps.algo
        ? algoFor(signal, accountRiskConfig(account).execution, approved.entry.notional)
        : undefined;
      if (spec && this.deps.algo) {
        // Sized once for the whole entry; the parent keeps it and its children send it over time.
        accepted.push(approved.entry);
        const started = await this.deps.algo.start(
          startParent({
            signal,
            spec,
            totalAmount: approved.entry.amount,
            leverage: approved.entry.leverage,
            ...(protectionSpecOf(signal) ? { protection: protectionSpecOf(signal) } : {}),
            now: this.deps.clock.now(),
          }),
        );
        const first = await this.resumeFirstSlice(
          started,
          exchange,
          account,
          market,
          placed.length > 0 ? undefined : live,
        );
        placed.push(...first.placed);
        slicedNote = first.note;
        continue;
      }
      const record = await this.entryRecord(
        exchange,
        signal,
        account,
        market,
        leg.side,
        approved.entry.amount,
        approved.entry.leverage,
      );
      accepted.push(approved.entry); // its `risk.accepted` write is awaited after arming
      // What an unclear send is checked against: flat after the close of a reverse, else the live read.
      record.positionBefore = placed.length > 0 ? '0' : signedQuantity(live);
      const result = await this.placeEntry(exchange, record, approved);
      resting = result.kind === 'resting';
      placed.push(result.record.clientOrderId);
    }
    const after = await this.deps.book.position(account.accountId, symbol);
    const reduced = legs.some((l) => l.leg === 'reduce');
    let unresized: string | undefined;
    if (reduced && isOpen(after)) {
      const origin = this.protectionOrigin(signal, after);
      const resized = await this.deps.protection.resizeAfterReduce(exchange, origin, after, market);
      placed.push(...resized.placed);
      unresized = resized.failed;
    } else if (reduced) await this.deps.protection.cancelAll(exchange, book); // closed in full: nothing rests
    const spec = protectionSpecOf(signal);
    if (entry && isOpen(after) && spec && !resting && slicedNote === undefined) {
      placed.push(...(await this.protectOrFlatten(exchange, signal, after, market, spec)));
    }
    const restingNote = resting
      ? spec
        ? 'limit order resting, protection armed when it fills; '
        : 'limit order resting; '
      : '';
    const refusedNote = entryRefusal ? `; entry refused (${entryRefusal.code}: ${entryRefusal.message})` : '';
    const unresizedNote = unresized ? `; ${unresized}` : '';
    const gatedNote = gateNote ? `; ${gateNote}` : '';
    const sliceNote = slicedNote ? `; ${slicedNote}` : '';
    return {
      status: 'executed',
      summary: `${signal.intent} ${symbol}: ${restingNote}${describeBook(after)}${refusedNote}${unresizedNote}${gatedNote}${sliceNote}`,
      orders: placed,
    };
  }

  /**
   * Child `index` of a sliced entry, on the account's lane like any signal (its own lease and ledger
   * row): nothing is sent for a parent no longer running (a close or flatten ended it) or a child
   * already sent; a paused account or a refusal of the risk engine cancels the parent instead.
   */
  private async runSlice(
    signal: Signal,
    ref: SliceRef,
    account: Account,
    exchange: ExchangePort,
    market: MarketInfo,
    live: ExchangePosition | undefined,
    refusal: SignalRejectedError | undefined,
  ): Promise<{ status: 'executed'; summary: string; orders: string[] }> {
    const algo = this.deps.algo;
    const label = `slice ${ref.index + 1} of ${ref.parentId}`;
    const parent = algo ? await algo.get(signal.accountId, ref.parentId) : undefined;
    if (!algo || !parent)
      throw new SignalRejectedError(`${label}: no such sliced entry`, 'UNKNOWN_PARENT', { parentId: ref.parentId });
    if (parent.status !== 'running')
      return skipped(`${label} skipped: the parent is ${parent.status}${parent.reason ? ` (${parent.reason})` : ''}`);
    if (parent.nextIndex > ref.index) {
      await algo.ensureScheduled(parent); // a redelivery after the row advanced: only the next child's timer
      return skipped(`${label} skipped: already sent`);
    }
    if (parent.nextIndex < ref.index) return skipped(`${label} skipped: slice ${parent.nextIndex + 1} comes first`);
    if (refusal) {
      await algo.cancel(parent, `${refusal.code}: ${refusal.message}`, signal.signalId);
      return skipped(`${label}: parent cancelled (${refusal.code}: ${refusal.message}); nothing sent`);
    }
    this.deps.auditHold?.hold(signal.signalId);
    const accepted: ApprovedEntry[] = [];
    let result: { placed: string[]; note: string };
    try {
      result = await this.sendSlice(parent, signal, exchange, account, market, live, accepted, true);
    } catch (error) {
      await this.releaseAudit(signal, accepted);
      throw error;
    }
    const lost = await this.releaseAudit(signal, accepted);
    if (lost.length)
      throw new TransientError(
        `signal ${signal.signalId}: ${lost.length} audit event(s) could not be written: ${lost.join('; ')}`,
      );
    return { status: 'executed', summary: `${signal.intent} ${market.symbol}: ${result.note}`, orders: result.placed };
  }

  /** The parent's own execution sends child 0 (risk decided for the whole); a redelivery past it only makes sure of the timer. */
  private async resumeFirstSlice(
    parent: AlgoParent,
    exchange: ExchangePort,
    account: Account,
    market: MarketInfo,
    live: ExchangePosition | undefined,
  ): Promise<{ placed: string[]; note: string }> {
    if (parent.status !== 'running' || parent.nextIndex > 0) {
      await this.deps.algo?.ensureScheduled(parent);
      return {
        placed: [],
        note: `${parent.kind.toUpperCase()} parent ${parent.status}, ${parent.nextIndex}/${parent.slices} slices sent`,
      };
    }
    return this.sendSlice(
      parent,
      childSignal(parent, 0, this.deps.clock.now()),
      exchange,
      account,
      market,
      live,
      [],
      false,
    );
  }

  /**
   * One child: sized on what is left (TWAP share, or the adaptive book walk), checked by the risk
   * engine on that amount (`checkRisk`; child 0 rides on the whole entry's decision), sent under its
   * own deterministic client id (an earlier delivery's order is adopted, never sent again), booked
   * onto the parent's one trade, the protection re-sized to the whole position (new before old),
   * then the parent's row advanced and the next child scheduled.
   */
  private async sendSlice(
    parent: AlgoParent,
    child: Signal,
    exchange: ExchangePort,
    account: Account,
    market: MarketInfo,
    live: ExchangePosition | undefined,
    accepted: ApprovedEntry[],
    checkRisk: boolean,
  ): Promise<{ placed: string[]; note: string }> {
    const algo = this.deps.algo as AlgoControl;
    const index = child.slice?.index ?? 0;
    const symbol = market.symbol;
    const clientOrderId = clientOrderIdFor(child.signalId, 'open');
    const placed: string[] = [];
    const sent = await this.deps.orders?.get(account.accountId, clientOrderId);
    let result: LegResult;
    let last = false;
    if (
      sent &&
      sent.status !== 'rejected' &&
      (sent.status !== 'intent' || (await exchange.fetchOrderByClientId(symbol, clientOrderId)))
    ) {
      result = await this.sendEntry(exchange, sent);
    } else {
      const price = (await exchange.fetchPrice(symbol)).last;
      const size =
        parent.kind === 'adaptive' && exchange.fetchBook
          ? adaptiveSlice(
              parent,
              index,
              market,
              await exchange.fetchBook(symbol, 50),
              parent.maxSlippageBps ?? Infinity,
              price,
            )
          : twapSlice(parent, index, market, price);
      let amount = size.amount;
      last = size.last;
      if (!new Big(amount).gt(0)) {
        const done = await algo.advance(parent, index, { clientOrderId: '', filled: '0', last: true }, child.signalId);
        return { placed, note: `${parent.kind.toUpperCase()} parent ${done.status}: nothing left to send` };
      }
      let approved: { entry: ApprovedEntry; free: Decimal } | undefined;
      if (checkRisk) {
        try {
          approved = await this.approveEntry(
            exchange,
            { ...child, size: { kind: 'contracts', value: Number(amount) } },
            account,
            market,
            parent.leverage,
            this.deps.risk.prefetch(account),
          );
        } catch (error) {
          // A kill switch tripped or a limit reached mid-way: what filled stays (protected), the rest is not sent.
          if (error instanceof SignalRejectedError) {
            await algo.cancel(
              parent,
              `risk engine refused slice ${index + 1} (${error.code}: ${error.message})`,
              child.signalId,
            );
            return { placed, note: `slice ${index + 1} refused by the risk engine (${error.code}); parent cancelled` };
          }
          throw error;
        }
        accepted.push(approved.entry);
        if (new Big(approved.entry.amount).lt(amount)) {
          amount = approved.entry.amount;
          last = false;
        }
      }
      const record = await this.entryRecord(exchange, child, account, market, parent.side, amount, parent.leverage);
      record.algo = algoTagOf(parent, index);
      // Kept on the record, as for any entry: the risk-check job arms a child's fill this process could not.
      if (parent.protection) record.protection = parent.protection;
      record.positionBefore = signedQuantity(live);
      result = approved ? await this.placeEntry(exchange, record, approved) : await this.sendEntry(exchange, record);
    }
    if (result.kind === 'resting') throw new TransientError(`slice ${clientOrderId} is not filled yet`);
    placed.push(result.record.clientOrderId);
    const filled = result.kind === 'filled' ? result.order.filled : (result.record.filled ?? '0');
    const average = result.kind === 'filled' ? result.order.average : result.record.averagePrice;
    const after = await this.deps.book.position(account.accountId, symbol);
    if (isOpen(after) && parent.protection && filledAny(filled)) {
      const position = after as BookPosition & { side: PositionSide };
      const hadStop = refsOf(after).length > 0;
      try {
        placed.push(
          ...(await this.deps.protection.resizeAfterIncrease(
            exchange,
            this.protectionOrigin(child, position),
            position,
            market,
            parent.protection,
          )),
        );
      } catch (error) {
        if (!(error instanceof SignalRejectedError)) throw error;
        // Nothing rested yet: armOrFlatten closed the position; the parent ends and the signal reports it.
        await algo.cancel(parent, `protection refused (${error.code}: ${error.message})`, child.signalId);
        if (!hadStop) throw error;
        // The earlier stop still rests for what it covered: say so loudly, send no more.
        await this.deps.audit.append({
          accountId: account.accountId,
          type: 'alert',
          at: this.deps.clock.now(),
          signalId: child.signalId,
          message: `stop NOT re-sized to ${after.quantity} ${symbol} after slice ${index + 1} (${error.code}: ${error.message}); the previous stop still rests for what it covered, no more slices are sent`,
          data: { symbol, side: position.side, quantity: after.quantity, severity: 'critical' },
        });
        return { placed, note: `slice ${index + 1}: ${filled} filled; stop not re-sized, parent cancelled` };
      }
    }
    const next = await algo.advance(
      parent,
      index,
      { clientOrderId: result.record.clientOrderId, filled, ...(average !== undefined ? { average } : {}), last },
      child.signalId,
    );
    const state = next.status === 'completed' ? ', completed' : next.status === 'cancelled' ? ', cancelled' : '';
    return {
      placed,
      note: `${parent.kind.toUpperCase()} slice ${index + 1}/${parent.slices}: ${filled} filled${state}`,
    };
  }

  /**
   * Running slices of the symbol end before a close (close_all: every side; close_long/short: that
   * side) or a reverse (an entry against a live position of the other side): their children still
   * queued then send nothing.
   */
  private async cancelSlicing(
    signal: Signal,
    live: ExchangePosition | undefined,
    /** a close's running parents, read beside the exchange calls (a reverse reads them here) */
    runningRead?: Promise<AlgoParent[]>,
  ): Promise<void> {
    const algo = this.deps.algo;
    if (!algo) return;
    const side: PositionSide | 'all' | undefined =
      closeSideOf(signal.intent) ??
      (signal.intent === 'enter_long' && live?.side === 'short'
        ? 'short'
        : signal.intent === 'enter_short' && live?.side === 'long'
          ? 'long'
          : undefined);
    if (!side) return;
    const by = signal.source === 'owner' ? 'the owner' : signal.source;
    await algo.cancelRunning(
      signal.accountId,
      signal.symbol.unified,
      `${signal.intent} by ${by} (signal ${signal.signalId})`,
      signal.signalId,
      side === 'all' ? undefined : side,
      runningRead,
    );
  }

  /** A rejected slice, or a rejected parent whose row exists, ends the parent with the reason. */
  private async cancelParentOf(signal: Signal, rejection: SignalRejectedError): Promise<void> {
    const algo = this.deps.algo;
    if (!algo || !isEntry(signal.intent)) return;
    const parent = await algo.get(signal.accountId, signal.slice?.parentId ?? signal.signalId);
    if (parent?.status === 'running')
      await algo.cancel(
        parent,
        `${signal.slice ? `slice ${signal.slice.index + 1}` : 'entry'} rejected (${rejection.code}: ${rejection.message})`,
        signal.signalId,
      );
  }

  /** The entry order: market (behind the slippage guard) or limit as the signal asks. */
  private async entryRecord(
    exchange: ExchangePort,
    signal: Signal,
    account: Account,
    market: MarketInfo,
    side: OrderSide,
    amount: string,
    leverage: number,
  ): Promise<OrderRecord> {
    const order = signal.order;
    if (order?.type === 'limit' && order.limit) {
      const record = this.orderRecord(signal, 'open', market.symbol, side, 'limit', amount, false, leverage);
      record.price = await this.limitPrice(exchange, order.limit, side, market);
      record.timeInForce = order.timeInForce ?? 'GTC';
      // A resting entry fills later: the risk-check job arms this once it has.
      const spec = protectionSpecOf(signal);
      if (spec && record.timeInForce !== 'IOC') record.protection = spec;
      return record;
    }
    const policy = account.settings.slippage ?? this.deps.slippage;
    const record = this.orderRecord(signal, 'open', market.symbol, side, 'market', amount, false, leverage);
    // Armed by this execution right after the fill; kept on the record so that the risk-check job
    // can arm it if this process dies between the fill and the stop.
    const spec = protectionSpecOf(signal);
    if (spec) record.protection = spec;
    if (!policy || !exchange.fetchBook) return record;
    const book = await exchange.fetchBook(market.symbol, 50);
    const verdict = checkSlippage(book, side, Number(amount), policy);
    if (verdict.ok) return record;
    if (policy.onExceed === 'reject') {
      throw new SignalRejectedError(verdict.message, 'SLIPPAGE_GUARD', {
        expectedBps: verdict.expectedBps,
        maxBps: policy.maxBps,
        reference: verdict.reference,
        expectedPrice: verdict.expectedPrice,
      });
    }
    // Send an IOC limit at the bound: what fills within it fills, the rest expires.
    record.type = 'limit';
    record.timeInForce = 'IOC' as TimeInForce;
    record.price = roundToStep(verdict.boundPrice, market.priceStep).toString();
    await this.deps.audit.append({
      accountId: signal.accountId,
      type: 'order.intent',
      at: this.deps.clock.now(),
      signalId: signal.signalId,
      message: `slippage ${verdict.expectedBps.toFixed(1)} bps over ${policy.maxBps}: IOC limit at ${record.price}`,
      data: { clientOrderId: record.clientOrderId, leg: record.leg, expectedBps: verdict.expectedBps },
    });
    return record;
  }

  private async limitPrice(
    exchange: ExchangePort,
    level: PriceLevel,
    side: OrderSide,
    market: MarketInfo,
  ): Promise<string> {
    if (level.kind === 'price') return roundToStep(level.value, market.priceStep).toString();
    const price = new Big((await exchange.fetchPrice(market.symbol)).last);
    // A percent limit sits in the trader's favour: below the price for a buy, above for a sell.
    const factor =
      side === 'buy' ? new Big(1).minus(new Big(level.value).div(100)) : new Big(1).plus(new Big(level.value).div(100));
    return roundToStep(price.times(factor), market.priceStep).toString();
  }

  private async sendEntry(exchange: ExchangePort, record: OrderRecord): Promise<LegResult> {
    if (record.type === 'market') return this.placeMarket(exchange, record, 'signal');
    const result = await this.deps.sender.place(exchange, record);
    // An IOC limit that found nothing inside its price expires empty: nothing to book.
    if (result.kind === 'filled' && filledAny(result.order.filled))
      await this.deps.book.book(result.record, fillFrom(record, result.order, 'signal'));
    return result;
  }

  private async placeEntry(
    exchange: ExchangePort,
    record: OrderRecord,
    approved: { entry: ApprovedEntry; free: Decimal },
  ): Promise<LegResult> {
    try {
      return await this.sendEntry(exchange, record);
    } catch (error) {
      if (error instanceof SignalRejectedError && error.code === 'INSUFFICIENT_MARGIN') {
        // Case 17: say how much was needed against how much was free.
        throw new SignalRejectedError(
          `${error.message} (required margin ${new Big(approved.entry.margin).round(2).toString()}, available ${approved.free})`,
          'INSUFFICIENT_MARGIN',
          { ...error.details, required: Number(approved.entry.margin), available: approved.free },
        );
      }
      throw error;
    }
  }

  /** The signal's own order legs an earlier delivery left as intents end failed, with an alert (never "intent" forever). */
  private async abandonIntents(signal: Signal, rejection: SignalRejectedError): Promise<void> {
    for (const leg of ['close', 'open', 'reduce'] as const) {
      await this.deps.sender.abandon(
        signal.accountId,
        clientOrderIdFor(signal.signalId, leg),
        `the signal was rejected (${rejection.code}) before the outcome of this order was known`,
      );
    }
  }

  /**
   * The owner's move of a stop or target, or cancel of one order, on the position the book holds.
   * Run in the account's lane like any signal, so it acts on what the signals ahead of it left.
   * A new stop or target must sit on the protective side of the last price (as an alert's sl/tp).
   */
  private async ownerOrder(
    signal: Signal,
    exchange: ExchangePort,
    market: MarketInfo,
    live: ExchangePosition | undefined,
    book: BookPosition,
  ): Promise<{ status: 'executed'; summary: string; orders: string[] }> {
    const symbol = signal.symbol.unified;
    const request = signal.owner ?? {};
    if (signal.intent === 'cancel_order') {
      const id = request.clientOrderId ?? '';
      const record = id ? await this.deps.orders?.get(signal.accountId, id) : undefined;
      if (!record || record.symbol !== symbol)
        throw new SignalRejectedError(`no order ${id} on ${symbol}`, 'UNKNOWN_ORDER', { clientOrderId: id });
      const outcome = await this.deps.protection.cancelOrder(exchange, book, record, request.force === true);
      return {
        status: 'executed',
        summary: `cancel_order ${symbol}: ${id} ${outcome === 'canceled' ? 'canceled' : `had already ended (${record.status})`}`,
        orders: outcome === 'canceled' ? [id] : [],
      };
    }
    if (!isOpen(book) || !live || live.side !== book.side)
      throw new SignalRejectedError(
        `no open position on ${symbol} to ${signal.intent === 'move_stop' ? 'move the stop of' : 'move the target of'} (book: ${describeBook(book)}, exchange: ${describe(live)})`,
        'NO_POSITION',
      );
    const position = book as BookPosition & { side: PositionSide };
    const field = signal.intent === 'move_stop' ? 'sl' : 'tp';
    const price = request.price ?? '';
    if (!/^\d{1,15}(\.\d{1,18})?$/.test(price) || !new Big(price).gt(0))
      throw new SignalRejectedError(`price "${price}" is not a positive decimal`, 'INVALID_STOP', { field: 'price' });
    const trigger = roundToStep(price, market.priceStep).toString();
    const last = (await exchange.fetchPrice(symbol)).last;
    validateLevel(field, { kind: 'price', value: Number(trigger) }, position.side, last);
    const origin = this.protectionOrigin(signal, position);
    const moved =
      signal.intent === 'move_stop'
        ? await this.deps.protection.moveStop(exchange, origin, position, market, trigger)
        : await this.deps.protection.moveTarget(exchange, origin, position, market, trigger, request.clientOrderId);
    return {
      status: 'executed',
      summary: `${signal.intent} ${symbol}: ${field === 'sl' ? 'stop' : 'target'} at ${trigger}${moved.canceled ? ` (replaced ${moved.canceled})` : ''}`,
      orders: moved.placed ? [moved.placed] : [],
    };
  }

  private protectionOrigin(signal: Signal, position: BookPosition): ProtectionOrigin {
    return {
      accountId: signal.accountId,
      signalId: signal.signalId,
      leverage: position.leverage,
      ...(position.strategy ? { strategy: position.strategy } : {}),
    };
  }

  /**
   * SIGNAL_EXPIRED when the entry waited longer than the account allows since the webhook received
   * it. Not when an earlier delivery already recorded its order: that one may be on the exchange,
   * and the order sender must resolve it (find, adopt, book, protect), not leave it behind.
   */
  private async expiry(signal: Signal, bounds: ExecutionBounds): Promise<SignalRejectedError | undefined> {
    const lagMs = this.deps.clock.now() - signal.receivedAt;
    const maxLagMs = bounds.maxEntryLagSeconds * 1000;
    if (lagMs <= maxLagMs) return undefined;
    if (await this.deps.sender.recorded(signal.accountId, clientOrderIdFor(signal.signalId, 'open'))) return undefined;
    // A sliced entry's first child went under the child's id: the parent's row says it started.
    if (await this.deps.algo?.get(signal.accountId, signal.signalId)) return undefined;
    return new SignalRejectedError(
      `entry expired: it waited ${(lagMs / 1000).toFixed(1)} s since receipt, over the account's bound of ${bounds.maxEntryLagSeconds} s (execution.maxEntryLagSeconds)`,
      'SIGNAL_EXPIRED',
      { lagMs, maxLagMs },
    );
  }

  /**
   * The entry gate's answer, started early and awaited by the entry leg only. An entry an earlier
   * delivery already recorded passed the gate then (its order is written after the gate): it is
   * not asked again, as the risk engine is not.
   */
  private entryVerdict(
    signal: Signal,
    account: Account,
    sentRead: Promise<OrderRecord | undefined> | undefined,
  ): Promise<EntryVerdict> | undefined {
    const gate = this.deps.entryGate;
    if (!gate) return undefined;
    const sent = sentRead ?? Promise.resolve(undefined);
    return settleLater(sent.then((record) => (record ? { proceed: true as const } : gate.check(signal, account))));
  }

  /** Halts the account after a 418 ban: no call reaches the exchange until it ends; an alert says so. */
  private async haltAccount(accountId: string, ban: ExchangeBannedError): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.accounts.setHalt(accountId, ban.until, ban.message, now);
    await this.deps.audit.append({
      accountId,
      type: 'alert',
      at: now,
      message: `exchange banned the IP until ${new Date(ban.until).toISOString()}: trading halted`,
      data: { until: ban.until, severity: 'critical' },
    });
  }

  /** The risk engine sizes the entry and may lower its leverage or refuse it (audited either way). */
  private async approveEntry(
    exchange: ExchangePort,
    signal: Signal,
    account: Account,
    market: MarketInfo,
    leverage: number,
    snapshot: Promise<RiskSnapshot>,
  ): Promise<{ entry: ApprovedEntry; free: Decimal }> {
    const [balance, quote] = await Promise.all([exchange.fetchBalance(), exchange.fetchPrice(market.symbol)]);
    const side: PositionSide = signal.intent === 'enter_long' ? 'long' : 'short';
    // Sized at the fill, as the backtest sizes (one rule, execution/sizing.ts): the balance read
    // after any close leg, the price the exchange's fill model gives, room for its taker fee.
    const fill = expectedFill(quote.last, side === 'long' ? 'buy' : 'sell', market.priceStep, exchange.marketFill);
    const entry = await this.deps.risk.decide(
      {
        signal,
        account,
        market,
        side,
        price: quote.last,
        ...(exchange.marketFill ? { fillPrice: fill.price, feeRate: fill.feeRate } : {}),
        equity: balance.equity,
        leverage,
      },
      await snapshot,
    );
    return { entry, free: balance.free };
  }

  private async ensureLeverage(
    exchange: ExchangePort,
    symbol: string,
    leverage: number,
    book: BookPosition,
  ): Promise<void> {
    // Set before an entry only when it changes: each call costs a request and a rate-limit weight.
    if (book.version > 0 && book.leverage === leverage && isOpen(book)) return;
    await exchange.setLeverage(symbol, leverage);
  }

  /** `held`: the book's position before a close (read once by the caller), to spot one opened by hand. */
  private async placeMarket(
    exchange: ExchangePort,
    record: OrderRecord,
    exitReason: 'signal' | 'reverse',
    held?: BookPosition,
  ): Promise<LegResult> {
    const result = await this.placeOrConfirmFlat(exchange, record);
    if (result.kind === 'filled' && !filledAny(result.order.filled)) {
      // A market order the exchange expired without any fill (no liquidity): the leg did not happen,
      // and a retry would only find the same expired order under the same client id.
      throw new SignalRejectedError(
        `market ${record.side} of ${record.amount} ${record.symbol} expired without any fill (no liquidity)`,
        'NO_FILL',
        { clientOrderId: record.clientOrderId },
      );
    }
    if (
      result.kind === 'filled' &&
      record.reduceOnly &&
      !isOpen(held ?? (await this.deps.book.position(record.accountId, record.symbol)))
    ) {
      // The exchange held a position our book does not (opened by hand, case 25): booking the
      // close would open a phantom position the other way. Record it and tell the owner.
      await this.deps.book.markApplied(record);
      await this.deps.audit.append({
        accountId: record.accountId,
        type: 'alert',
        at: this.deps.clock.now(),
        signalId: record.signalId,
        message: `closed ${result.order.filled} ${record.symbol} that the system had not opened (a position opened outside it)`,
        data: { clientOrderId: record.clientOrderId, average: result.order.average, severity: 'warning' },
      });
    } else if (result.kind === 'filled') {
      await this.deps.book.book(result.record, fillFrom(record, result.order, exitReason));
    } else if (result.kind === 'resting') {
      throw new TransientError(`market order ${record.clientOrderId} is not filled yet`);
    }
    return result;
  }

  /** A reduce-only close refused because the position is already flat is a success (case 23). */
  private async placeOrConfirmFlat(exchange: ExchangePort, record: OrderRecord): Promise<LegResult> {
    try {
      return await this.deps.sender.place(exchange, record);
    } catch (error) {
      if (error instanceof SignalRejectedError && error.code === 'REDUCE_ONLY_FLAT' && record.reduceOnly) {
        const live = await exchange.fetchPosition(record.symbol);
        if (!live) return { kind: 'already-booked', record };
      }
      throw error;
    }
  }

  /**
   * A position must never stay open without the stop its signal asked for. If the exchange refuses
   * a protective order for good, the position is closed at market and the signal is rejected with
   * the reason. (A transient failure is retried: the filled entry is skipped, protection resumes.)
   */
  private protectOrFlatten(
    exchange: ExchangePort,
    signal: Signal,
    position: BookPosition & { side: PositionSide },
    market: MarketInfo,
    spec: NonNullable<ReturnType<typeof protectionSpecOf>>,
  ): Promise<string[]> {
    const origin = {
      accountId: signal.accountId,
      signalId: signal.signalId,
      leverage: position.leverage,
      ...(signal.strategy ? { strategy: signal.strategy } : {}),
    };
    return this.deps.protection.armOrFlatten(exchange, origin, position, market, spec);
  }

  private orderRecord(
    signal: Signal,
    leg: OrderLeg,
    symbol: string,
    side: OrderSide,
    type: OrderType,
    amount: string,
    reduceOnly: boolean,
    leverage: number,
    trigger?: string,
  ): OrderRecord {
    const now = this.deps.clock.now();
    const record: OrderRecord = {
      accountId: signal.accountId,
      clientOrderId: clientOrderIdFor(signal.signalId, leg),
      signalId: signal.signalId,
      leg,
      symbol,
      side,
      type,
      reduceOnly,
      amount,
      status: 'intent',
      leverage,
      createdAt: now,
      updatedAt: now,
    };
    if (trigger) record.triggerPrice = trigger;
    if (signal.signalPrice !== undefined) record.signalPrice = signal.signalPrice;
    if (signal.strategy) record.strategy = signal.strategy;
    if (signal.arb) record.arb = signal.arb;
    return record;
  }

  /**
   * The signal's outcome in the audit trail, retried; a refused event is replaced by an alert that
   * names it. If neither can be written the error goes up (logged, counted as a failed order): the
   * ledger already says how the signal ended, the trail must not silently lack it.
   */
  private async auditOutcome(
    signal: Signal,
    message: string,
    outcome:
      | { type: 'signal.executed'; data: { orders: string[] } }
      | { type: 'signal.rejected'; data: { code: string } & ErrorDetails },
  ): Promise<void> {
    const header = { accountId: signal.accountId, at: this.deps.clock.now(), signalId: signal.signalId, message };
    const subject = { intent: signal.intent, symbol: signal.symbol.unified };
    const event: AuditEvent =
      outcome.type === 'signal.executed'
        ? { ...header, type: outcome.type, data: { ...subject, ...outcome.data } }
        : { ...header, type: outcome.type, data: { ...subject, ...outcome.data } };
    const error = await writeWithRetries(this.deps.audit, event);
    if (error === undefined) return;
    const again = await writeWithRetries(this.deps.audit, standIn(event, error));
    if (again !== undefined)
      throw new TransientError(
        `signal ${signal.signalId} ended (${event.type}) but its audit event could not be written: ${error}; its alert: ${again}`,
      );
  }

  /**
   * Writes what waited for the protection: the events held for this signal, then the risk engine's
   * `risk.accepted` (started before the send; awaited only now). Returns what could not be written
   * at all, not even as an alert naming it.
   */
  private async releaseAudit(signal: Signal, accepted: readonly ApprovedEntry[]): Promise<string[]> {
    const lost = ((await this.deps.auditHold?.release(signal.signalId)) ?? []).map(
      (l) => `${l.event.type}: ${l.error}`,
    );
    for (const entry of accepted) {
      const error = await entry.audited.then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      if (error === undefined) continue;
      const event = {
        accountId: signal.accountId,
        type: 'risk.accepted' as const,
        at: this.deps.clock.now(),
        signalId: signal.signalId,
        message: `entry accepted: ${entry.amount} x${entry.leverage}`,
      };
      const again = await writeWithRetries(this.deps.audit, standIn(event, error));
      if (again !== undefined) lost.push(`risk.accepted: ${error}; its alert: ${again}`);
    }
    return lost;
  }
}

/** Close legs come first so a reverse never holds both sides; amounts come from the live position. */
export function planLegs(signal: Signal, live: ExchangePosition | undefined, market: MarketInfo): PlannedLeg[] {
  const closeLeg = (pos: ExchangePosition, exitReason: PlannedLeg['exitReason'] = 'signal'): PlannedLeg => ({
    leg: 'close',
    side: closingSide(pos.side),
    reduceOnly: true,
    amount: pos.quantity,
    exitReason,
  });
  switch (signal.intent) {
    case 'enter_long':
      return [
        ...(live?.side === 'short' ? [closeLeg(live, 'reverse')] : []),
        { leg: 'open', side: 'buy', reduceOnly: false, exitReason: 'signal' },
      ];
    case 'enter_short':
      return [
        ...(live?.side === 'long' ? [closeLeg(live, 'reverse')] : []),
        { leg: 'open', side: 'sell', reduceOnly: false, exitReason: 'signal' },
      ];
    case 'close_long':
      return live?.side === 'long' ? [closeLeg(live)] : [];
    case 'close_short':
      return live?.side === 'short' ? [closeLeg(live)] : [];
    case 'close_all':
      return live ? [closeLeg(live)] : [];
    case 'reduce_long':
    case 'reduce_short': {
      const want: PositionSide = signal.intent === 'reduce_long' ? 'long' : 'short';
      if (live?.side === want && ownerReduce(signal)) return [ownerReduceLeg(signal, live, market)];
      if (live?.side !== want || signal.size?.kind !== 'contracts') return [];
      const requested = floorToStep(signal.size.value, market.amountStep); // base units, as TradingView counts them
      const amount = requested.gt(live.quantity) ? new Big(live.quantity) : requested;
      if (amount.lte(0)) return [];
      return [
        { leg: 'reduce', side: closingSide(want), reduceOnly: true, amount: amount.toString(), exitReason: 'signal' },
      ];
    }
    case 'move_stop':
    case 'move_target':
    case 'cancel_order':
      return []; // not orders of a position's legs: ExecuteSignal.ownerOrder
  }
}

const isOwnerOrder = (intent: Signal['intent']): boolean => (OWNER_INTENTS as readonly string[]).includes(intent);

/** The owner's reduce: a percent of the live position (the webhook's reduce names contracts). */
const ownerReduce = (signal: Signal): boolean => signal.source === 'owner' && signal.owner?.reducePct !== undefined;

function ownerReduceLeg(signal: Signal, live: ExchangePosition, market: MarketInfo): PlannedLeg {
  const pct = signal.owner?.reducePct ?? 0;
  const amount = floorToStep(new Big(live.quantity).times(pct).div(100), market.amountStep);
  if (!(pct > 0 && pct < 100) || amount.lte(0) || amount.lt(market.minAmount))
    throw new SignalRejectedError(
      `${pct} % of ${live.quantity} ${signal.symbol.unified} is ${amount.toString()}, below the market's minimum ${market.minAmount} (step ${market.amountStep})`,
      'REDUCE_TOO_SMALL',
      { percent: pct, quantity: live.quantity },
    );
  return {
    leg: 'reduce',
    side: closingSide(live.side),
    reduceOnly: true,
    amount: amount.toString(),
    exitReason: 'signal',
  };
}

/** The entry's absolute prices by field name: price ({{close}}), limit, sl, tp and each tp level. */
export function absolutePrices(signal: Signal): { field: string; value: number }[] {
  const out: { field: string; value: number }[] = [];
  const add = (field: string, level: PriceLevel | undefined) => {
    if (level?.kind === 'price') out.push({ field, value: level.value });
  };
  if (signal.signalPrice !== undefined) out.push({ field: 'price', value: signal.signalPrice });
  add('limit', signal.order?.limit);
  add('sl', signal.sl);
  add('tp', signal.tp);
  signal.tpLevels?.forEach((t, i) => add(`tp level ${i + 1}`, t.level));
  return out;
}

const withinBand = (value: number, last: number, factor: number): boolean =>
  Number.isFinite(value) && value >= last / factor && value <= last * factor;

/** PRICE_OUT_OF_BAND for the first price outside last ÷ factor … last × factor, naming field and band. */
export function outsideBand(
  prices: { field: string; value: number }[],
  last: number,
  factor: number,
): SignalRejectedError | undefined {
  const wild = prices.find((p) => !withinBand(p.value, last, factor));
  if (!wild) return undefined;
  const low = last / factor;
  const high = last * factor;
  // The value goes to the audit as text: a number this wild may be one the database cannot store.
  return new SignalRejectedError(
    `${wild.field} ${wild.value} is outside the band ${low}–${high} (${factor}× either side of the last price ${last}; execution.priceBandFactor)`,
    'PRICE_OUT_OF_BAND',
    { field: wild.field, value: String(wild.value), low, high, last },
  );
}

function withoutSignalPrice(signal: Signal): Signal {
  const { signalPrice: _dropped, ...rest } = signal;
  return rest;
}

function validateLevel(field: 'sl' | 'tp', level: PriceLevel, side: PositionSide, price: number): void {
  if (level.kind !== 'price') return;
  const wrongSide = levelSitsBelow(field, side) ? level.value >= price : level.value <= price;
  if (wrongSide) {
    throw new SignalRejectedError(
      `${field} ${level.value} is on the wrong side of the price ${price} for a ${side}`,
      'INVALID_STOP',
      { field, level: level.value, price },
    );
  }
}

/** Refuses an entry the exchange cannot carry out safely, before anything is sent. */
export function checkCapabilities(signal: Signal, exchange: ExchangePort): void {
  const caps = exchange.capabilities;
  if (!caps) return;
  if (!caps.derivatives && signal.intent === 'enter_short') {
    throw new SignalRejectedError(
      `${exchange.exchangeId} is spot: long only (a short becomes a close)`,
      'SPOT_LONG_ONLY',
    );
  }
  const wantsProtection = signal.sl || signal.tp || signal.tpLevels || signal.trailPct !== undefined;
  if (wantsProtection && !caps.conditionalOrders) {
    throw new SignalRejectedError(
      `${exchange.exchangeId} cannot rest stop-loss/take-profit orders; send the entry without sl/tp`,
      'PROTECTION_UNSUPPORTED',
    );
  }
  if ((signal.tpLevels || signal.breakEven) && caps.sizedProtection === false) {
    throw new SignalRejectedError(
      `${exchange.exchangeId} protective orders close the whole position: use a single tp, without breakeven`,
      'LADDER_UNSUPPORTED',
    );
  }
  // No native trailing stop: a plain stop stands in and the risk-check job moves it every minute.
}

const skipped = (summary: string): { status: 'executed'; summary: string; orders: string[] } => ({
  status: 'executed',
  summary,
  orders: [],
});

const filledAny = (filled: string): boolean => filled !== '' && new Big(filled).gt(0);

const describe = (live: ExchangePosition | undefined): string => (live ? `${live.side} ${live.quantity}` : 'flat');
const describeBook = (p: BookPosition): string => (isOpen(p) ? `${p.side} ${p.quantity} @ ${p.entryPrice}` : 'flat');

/** A promise started early and awaited later: its rejection is not "unhandled" in between. */
function settleLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The side whose running slices a close ends before its legs ('all' for close_all); undefined for other intents. */
function closeSideOf(intent: Intent): PositionSide | 'all' | undefined {
  if (intent === 'close_all') return 'all';
  if (intent === 'close_long') return 'long';
  if (intent === 'close_short') return 'short';
  return undefined;
}
