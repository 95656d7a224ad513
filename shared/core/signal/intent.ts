// The intent table: explicit actions map one to one; TradingView's {{strategy.order.action}} is
// read together with {{strategy.market_position}}, the position *after* the order.
import type { Intent, MarketPosition, RawAction } from './types';

export type IntentResolution = { ok: true; intent: Intent } | { ok: false; field: string; message: string };

const TV_TABLE: Record<'buy' | 'sell', Record<MarketPosition, Intent>> = {
  buy: { long: 'enter_long', flat: 'close_short', short: 'reduce_short' },
  sell: { short: 'enter_short', flat: 'close_long', long: 'reduce_long' },
};

export function resolveIntent(action: RawAction, position: MarketPosition | undefined): IntentResolution {
  switch (action) {
    case 'long':
      return { ok: true, intent: 'enter_long' };
    case 'short':
      return { ok: true, intent: 'enter_short' };
    case 'close_long':
    case 'close_short':
    case 'close_all':
      return { ok: true, intent: action };
    case 'buy':
    case 'sell':
      if (!position) {
        return {
          ok: false,
          field: 'position',
          message: `required with action "${action}" (use {{strategy.market_position}})`,
        };
      }
      return { ok: true, intent: TV_TABLE[action][position] };
  }
}

export const isEntry = (intent: Intent): boolean => intent === 'enter_long' || intent === 'enter_short';
