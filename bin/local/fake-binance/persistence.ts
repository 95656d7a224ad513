// The fake exchange's memory on disk (the local stack keeps it in DATA_DIR/fake-binance.json): the
// accounts' wallets, settings and positions, every order, algo order, fill and income row, the
// trailing stops' state and the next ids. Without it a restarted `npm start` would show a live
// account flat and at its seed balance, and the risk check would book the vanished position as
// closed outside: an invented loss. Markets, prices and candles are not kept (the stack moves
// prices to the replay before the first check). API keys and secrets are never written: records
// name their account by its place among the seeds, which the keys of this start fill back in.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ExchangeState, IdCounters, Position, SymbolSettings, TrailingState } from './state';
import type { FakeAccountSeed, FakeAlgoOrder, FakeIncome, FakeOrder, FakeTrade } from './types';

const VERSION = 1;

type Keyless<T extends { apiKey: string }> = Omit<T, 'apiKey'> & { account: number };

interface SavedAccount {
  createTime: number;
  wallet: number;
  dualSide: boolean;
  settings: Array<[string, SymbolSettings]>;
  positions: Array<[string, Position]>;
}

interface SavedState {
  version: number;
  accounts: SavedAccount[];
  orders: Keyless<FakeOrder>[];
  algoOrders: Keyless<FakeAlgoOrder>[];
  trades: Keyless<FakeTrade>[];
  income: Keyless<FakeIncome>[];
  trailing: Array<[number, TrailingState]>;
  ids: IdCounters;
}

export class FakeStateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FakeStateFileError';
  }
}

/** The state as its file holds it (JSON text); the same state gives the same text. */
export function serializeState(state: ExchangeState, seeds: readonly FakeAccountSeed[]): string {
  const index = new Map(seeds.map((seed, i) => [seed.apiKey, i]));
  const keyless = <T extends { apiKey: string }>(rows: readonly T[]): Keyless<T>[] =>
    rows.map(({ apiKey, ...rest }) => ({ ...rest, account: index.get(apiKey) ?? -1 }));
  const saved: SavedState = {
    version: VERSION,
    accounts: seeds.map((seed) => {
      const account = state.accountOrThrow(seed.apiKey);
      return {
        createTime: account.createTime,
        wallet: account.wallet,
        dualSide: account.dualSide,
        settings: [...account.settings],
        positions: [...account.positions],
      };
    }),
    orders: keyless(state.orders),
    algoOrders: keyless(state.algoOrders),
    trades: keyless(state.trades),
    income: keyless(state.income),
    trailing: [...state.trailing],
    ids: state.idCounters(),
  };
  return JSON.stringify(saved);
}

/** Writes the file whole (a temporary file renamed over it), readable by this user only. */
export function writeStateFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * Puts a saved state back into a fresh ExchangeState made from the same seeds. No file: nothing
 * to restore (false). A file that cannot be read back is an error naming it: starting empty
 * instead would be the lost state this file exists to prevent.
 */
export function restoreState(state: ExchangeState, seeds: readonly FakeAccountSeed[], file: string): boolean {
  if (!existsSync(file)) return false;
  const fail = (why: string): never => {
    throw new FakeStateFileError(
      `${file}: ${why}; the fake exchange's balances, positions and orders cannot be restored. Stop, move the file away and start again only if this data folder's live accounts may start over (their positions then show as closed outside).`,
    );
  };
  let saved: SavedState;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  } catch (error) {
    return fail(`not readable JSON (${(error as Error).message})`);
  }
  if (saved?.version !== VERSION) fail(`version ${String(saved?.version)}, expected ${VERSION}`);
  if (!Array.isArray(saved.accounts) || saved.accounts.length !== seeds.length)
    fail(`holds ${saved.accounts?.length ?? 0} account(s), this start has ${seeds.length}`);
  const keyOf = (i: number): string => seeds[i]?.apiKey ?? fail(`a record names account ${i}, which does not exist`);
  const keyed = <T extends { apiKey: string }>(rows: readonly Keyless<T>[] | undefined): T[] =>
    (rows ?? []).map(({ account, ...rest }) => ({ ...rest, apiKey: keyOf(account) }) as unknown as T);

  saved.accounts.forEach((s, i) => {
    const account = state.accountOrThrow(keyOf(i));
    account.createTime = s.createTime;
    account.wallet = s.wallet;
    account.dualSide = s.dualSide;
    account.settings = new Map(s.settings);
    account.positions = new Map(s.positions);
  });
  state.orders.push(...keyed<FakeOrder>(saved.orders));
  state.algoOrders.push(...keyed<FakeAlgoOrder>(saved.algoOrders));
  state.trades.push(...keyed<FakeTrade>(saved.trades));
  state.income.push(...keyed<FakeIncome>(saved.income));
  for (const [id, t] of saved.trailing ?? []) state.trailing.set(id, t);
  state.setIdCounters(saved.ids);
  return true;
}
