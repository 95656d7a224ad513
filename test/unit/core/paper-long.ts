// The rig the protection and watcher tests share: a paper long of 0.02 BTC, filled at 50,010 (the
// paper exchange's half-spread over 50,000) by the real order sender, booked by the real book keeper
// and protected by the real ProtectionManager, over in-memory tables (no network). Each test names
// the protection it arms, and may arm it through a wrapped exchange that writes its calls down.
import { MemoryLedgerStore } from '../../../shared/adapters/paper/memory-ledger-store';
import { paperMarkets } from '../../../shared/adapters/paper/markets';
import { PaperExchange } from '../../../shared/adapters/paper/paper-exchange';
import { FixedPriceSource } from '../../../shared/adapters/prices/fixed-price-source';
import { DEFAULT_PAPER_SETTINGS, type Account } from '../../../shared/core/domain/account';
import type { OrderRecord } from '../../../shared/core/domain/order';
import type { BookPosition, PositionSide } from '../../../shared/core/domain/trade';
import { BookKeeper, fillFrom } from '../../../shared/core/execution/book-keeper';
import type { EntryRisk } from '../../../shared/core/execution/entry-risk';
import { ExecuteSignal } from '../../../shared/core/execution/execute-signal';
import { OrderSender } from '../../../shared/core/execution/order-sender';
import { ProtectionManager, type ProtectionSpec } from '../../../shared/core/execution/protection';
import type { ExchangePort } from '../../../shared/core/ports/exchange';
import type { PriceSource } from '../../../shared/core/ports/paper';
import type { KeyVault } from '../../../shared/core/ports/runtime';
import { clientOrderIdFor } from '../../../shared/core/signal/ids';
import { ManualClock, MemorySignalLedger } from './fakes';
import { MemoryAccounts, MemoryAudit, MemoryOrders, MemoryPositions, MemoryTrades } from './memory-repos';
import { accountRecord } from './risk/fixtures';

export const BTC = 'BTC/USDT:USDT';
export const ACCOUNT = 'acc-1';
/** The entry's signal and the origin its protection is armed under. */
export const ORIGIN = { accountId: ACCOUNT, signalId: 'sentry', leverage: 5 };

/** A paper account has no keys: the vault is never asked. */
export const NO_KEYS: KeyVault = {
  encrypt: () => Promise.reject(new Error('a paper account has no keys')),
  decrypt: () => Promise.reject(new Error('a paper account has no keys')),
};

/** The risk engine decides entries only: reduces and closes never ask it. */
export const NO_ENTRIES = {
  prefetch: () => Promise.reject(new Error('asked the risk engine')),
  decide: () => Promise.reject(new Error('asked the risk engine')),
} as unknown as EntryRisk;

export type HeldPosition = BookPosition & { side: PositionSide; tradeId: string };

export async function openPaperLong(options: {
  /** what is armed once the entry is booked */
  spec: ProtectionSpec;
  /** the exchange it is armed through (default: the paper exchange itself) */
  armOn?: (paper: PaperExchange) => ExchangePort;
}) {
  const clock = new ManualClock();
  const prices = new FixedPriceSource({ [BTC]: 50_000 }, clock);
  const ledger = new MemoryLedgerStore();
  /** the account's paper exchange on another price source (same ledger, same clock) */
  const paperOn = (source: PriceSource, account: Pick<Account, 'accountId'> = { accountId: ACCOUNT }) =>
    new PaperExchange({
      accountId: account.accountId,
      store: ledger,
      prices: source,
      markets: paperMarkets,
      settings: DEFAULT_PAPER_SETTINGS,
      clock,
    });
  const paper = paperOn(prices);
  const accounts = new MemoryAccounts();
  const account = accountRecord({ accountId: ACCOUNT });
  await accounts.create(account);
  const orders = new MemoryOrders();
  const positions = new MemoryPositions();
  const trades = new MemoryTrades();
  const audit = new MemoryAudit();
  const sender = new OrderSender({ orders, audit, clock, lookupBackoffMs: [0] });
  const book = new BookKeeper({ positions, trades, orders, audit, clock });
  const protection = new ProtectionManager({ sender, book, orders, audit, clock });

  // The entry as the executor makes it: 0.02 BTC filled, booked, then its protection armed.
  const entry: OrderRecord = {
    accountId: ACCOUNT,
    clientOrderId: clientOrderIdFor(ORIGIN.signalId, 'open'),
    signalId: ORIGIN.signalId,
    leg: 'open',
    symbol: BTC,
    side: 'buy',
    type: 'market',
    reduceOnly: false,
    amount: '0.02',
    status: 'intent',
    leverage: ORIGIN.leverage,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  };
  const filled = await sender.place(paper, entry);
  if (filled.kind !== 'filled') throw new Error('the entry did not fill');
  await book.book(filled.record, fillFrom(entry, filled.order, 'signal'));
  const market = await paper.loadMarket(BTC);
  const held = async () => (await positions.get(ACCOUNT, BTC)) as HeldPosition;
  const exchange = options.armOn ? options.armOn(paper) : paper;
  await protection.arm(exchange, ORIGIN, await held(), market, options.spec);
  return {
    clock,
    prices,
    ledger,
    paperOn,
    paper,
    exchange,
    market,
    accounts,
    account,
    orders,
    positions,
    trades,
    audit,
    sender,
    book,
    protection,
    held,
  };
}

export type PaperLong = Awaited<ReturnType<typeof openPaperLong>>;

/** ExecuteSignal on the rig's tables, for the exits it tests (the risk engine is never asked). */
export function exitExecutor(rig: PaperLong, exchange: () => ExchangePort, leaseMs = 1_000) {
  const ledger = new MemorySignalLedger();
  const executor = new ExecuteSignal({
    accounts: rig.accounts,
    ledger,
    audit: rig.audit,
    vault: NO_KEYS,
    exchanges: { forAccount: async () => exchange() },
    sender: rig.sender,
    book: rig.book,
    protection: rig.protection,
    risk: NO_ENTRIES,
    clock: rig.clock,
    leaseMs,
    orders: rig.orders,
  });
  return { executor, ledger };
}
