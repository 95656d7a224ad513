// The paper exchange as the functions build it: prices replayed locally, live public prices in
// the cloud; one adapter instance per account and call, sharing the price source.
import type { StaticMarketCatalog } from '../adapters/paper/markets';
import { PaperExchange } from '../adapters/paper/paper-exchange';
import { BinancePublicPriceSource } from '../adapters/prices/binance-public-price-source';
import { ReplayPriceSource } from '../adapters/prices/replay-price-source';
import { DEFAULT_PAPER_SETTINGS, type Account } from '../core/domain/account';
import type { PaperLedgerStore, PriceSource } from '../core/ports/paper';
import type { Clock } from '../core/ports/runtime';
import type { TradingEnv } from '../platform/config';

export type PaperExchangeFor = (account: Account) => PaperExchange;

export function buildPriceSource(env: TradingEnv, clock: Clock, markets: StaticMarketCatalog): PriceSource {
  if (env.PAPER_PRICE_SOURCE === 'replay') {
    return new ReplayPriceSource({
      ...(env.PAPER_REPLAY_DIR ? { dir: env.PAPER_REPLAY_DIR } : {}),
      msPerCandle: env.PAPER_REPLAY_MS_PER_CANDLE,
      clock,
      markets,
    });
  }
  return new BinancePublicPriceSource();
}

export function paperExchangeFactory(
  store: PaperLedgerStore,
  prices: PriceSource,
  markets: StaticMarketCatalog,
  clock: Clock,
): PaperExchangeFor {
  return (account) =>
    new PaperExchange({
      accountId: account.accountId,
      store,
      prices,
      markets,
      settings: { ...DEFAULT_PAPER_SETTINGS, ...account.settings.paper },
      clock,
    });
}
