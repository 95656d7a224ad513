// The effective risk configuration of one account: defaults, then the account's own settings from
// `account add` (--size-percent → sizing.percent, --max-leverage → limits.maxLeverage), then its
// risk overrides (`risk set`).
import type { Account } from '../domain/account';
import { resolveRiskConfig, type RiskConfig, type RiskOverrides } from './config';

const memo = new WeakMap<object, RiskConfig>();

export function accountRiskConfig(account: Pick<Account, 'settings'>): RiskConfig {
  const cached = memo.get(account.settings);
  if (cached) return cached;
  const own = account.settings.risk;
  const overrides: RiskOverrides = {
    ...own,
    sizing: { percent: account.settings.defaultSizePercent, ...own?.sizing },
    limits: { maxLeverage: account.settings.maxLeverage, ...own?.limits },
  };
  const config = resolveRiskConfig(overrides);
  memo.set(account.settings, config);
  return config;
}
