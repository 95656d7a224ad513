// A small book whose figures the performance tests compute by hand: one paper account (10,000
// USDT), three closed trades and one open BTC long, in January 2024 (1 January is a Monday).
import { DEFAULT_ACCOUNT_SETTINGS, DEFAULT_PAPER_SETTINGS, type Account } from '../../../../shared/core/domain/account';
import type { BookPosition, TradeRecord } from '../../../../shared/core/domain/trade';
import { ConsoleReads } from '../../../../shared/core/performance/console-reads';
import type { AlertLog, AlertRecord } from '../../../../shared/core/ports/repositories';
import { ManualClock, MemorySignalLedger } from '../fakes';
import {
  MemoryAccounts,
  MemoryAudit,
  MemoryOrders,
  MemoryPositions,
  MemoryRiskStore,
  MemoryTrades,
} from '../memory-repos';

export const utc = (text: string): number => Date.parse(text);
/** Wednesday 31 January 2024, noon UTC */
export const NOW = utc('2024-01-31T12:00:00Z');

export const account = (accountId: string, patch: Partial<Account> = {}): Account => ({
  accountId,
  name: `${accountId} name`,
  exchange: 'paper',
  testnet: false,
  status: 'active',
  webhookTokenHash: 'x'.repeat(64),
  settings: { ...DEFAULT_ACCOUNT_SETTINGS, paper: { ...DEFAULT_PAPER_SETTINGS, initialBalance: '10000' } },
  createdAt: utc('2023-12-01T00:00:00Z'),
  updatedAt: utc('2023-12-01T00:00:00Z'),
  ...patch,
});

export function trade(tradeId: string, patch: Partial<TradeRecord>): TradeRecord {
  return {
    accountId: 'acc-a',
    tradeId,
    symbol: 'BTC/USDT:USDT',
    side: 'long',
    status: 'closed',
    leverage: 2,
    quantity: '0',
    maxQuantity: '1',
    entryPrice: '40000',
    exitPrice: '40100',
    exitedQuantity: '1',
    openedAt: utc('2024-01-01T10:00:00Z'),
    closedAt: utc('2024-01-01T12:00:00Z'),
    fees: '0',
    funding: '0',
    realizedPnl: '0',
    openSignalId: `sig-${tradeId}`,
    updatedAt: utc('2024-01-01T12:00:00Z'),
    ...patch,
  };
}

/** t1 +100.5 (1 Jan), t2 −40.25 (25 Jan), t3 +20 manual (today), t4 open BTC long 0.5 @ 40000, −10 of entry fees. */
export const BOOK: TradeRecord[] = [
  trade('t1', { strategy: 'ema', realizedPnl: '100.5', fees: '2.5', roiPct: 10 }),
  trade('t2', {
    strategy: 'ema',
    symbol: 'ETH/USDT:USDT',
    side: 'short',
    openedAt: utc('2024-01-25T01:00:00Z'),
    closedAt: utc('2024-01-25T09:00:00Z'),
    updatedAt: utc('2024-01-25T09:00:00Z'),
    realizedPnl: '-40.25',
    fees: '1.25',
    funding: '0.5',
    roiPct: -4,
  }),
  trade('t3', {
    openedAt: utc('2024-01-31T07:00:00Z'),
    closedAt: utc('2024-01-31T08:00:00Z'),
    updatedAt: utc('2024-01-31T08:00:00Z'),
    realizedPnl: '20',
    fees: '1',
    funding: '-0.1',
    roiPct: 2,
  }),
  trade('t4', {
    status: 'open',
    quantity: '0.5',
    maxQuantity: '0.5',
    exitPrice: undefined,
    exitedQuantity: '0',
    openedAt: utc('2024-01-30T09:00:00Z'),
    closedAt: undefined,
    updatedAt: utc('2024-01-30T09:00:00Z'),
    realizedPnl: '-10',
    fees: '10',
  }),
];

export const OPEN_BTC: BookPosition = {
  accountId: 'acc-a',
  symbol: 'BTC/USDT:USDT',
  side: 'long',
  quantity: '0.5',
  entryPrice: '40000',
  leverage: 2,
  tradeId: 't4',
  strategy: 'ema',
  stopLoss: { clientOrderId: 'sl-1', triggerPrice: '39000' },
  takeProfits: [
    { clientOrderId: 'tp-1', triggerPrice: '42000', amount: '0.25' },
    { clientOrderId: 'tp-2', triggerPrice: '44000', amount: '0.25' },
  ],
  openedAt: utc('2024-01-30T09:00:00Z'),
  updatedAt: utc('2024-01-30T09:00:00Z'),
  appliedOrderIds: [],
  version: 1,
};

export class MemoryAlertLog implements AlertLog {
  readonly rows: AlertRecord[] = [];
  async record(alert: AlertRecord) {
    this.rows.push(alert);
  }
  async list(accountId: string, query: { from?: number; to?: number; limit: number }) {
    const items = this.rows
      .filter((a) => a.accountId === accountId)
      .filter(
        (a) =>
          (query.from === undefined || a.receivedAt >= query.from) &&
          (query.to === undefined || a.receivedAt <= query.to),
      )
      .sort((a, b) => b.receivedAt - a.receivedAt)
      .slice(0, query.limit);
    return { items };
  }
}

/** The book above on in-memory ports, with a snapshot at 11:59 marking BTC at 41000. */
export async function world() {
  const clock = new ManualClock(NOW);
  const accounts = new MemoryAccounts([account('acc-a')]);
  const trades = new MemoryTrades();
  for (const t of BOOK) await trades.put(t);
  const positions = new MemoryPositions();
  positions.seed(OPEN_BTC);
  const risk = new MemoryRiskStore();
  // wallet 10,000 + 70.25 realized; unrealized (41000 − 40000) × 0.5 = 500
  await risk.putSnapshot({
    accountId: 'acc-a',
    at: NOW - 60_000,
    equity: '10570.25',
    free: '9000',
    unrealizedPnl: '500',
    openPositions: 1,
    exposure: '20500',
    marks: [{ symbol: 'BTC/USDT:USDT', markPrice: '41000', liquidationPrice: '20100' }],
  });
  const orders = new MemoryOrders();
  const audit = new MemoryAudit();
  const signals = new MemorySignalLedger();
  const alerts = new MemoryAlertLog();
  const reads = new ConsoleReads({ accounts, trades, positions, orders, audit, risk, signals, alerts, clock });
  return { clock, accounts, trades, positions, risk, orders, audit, signals, alerts, reads };
}
