// accountRiskConfig: the defaults, then the account's own settings (size percent, max leverage),
// then its risk overrides; one resolution per settings object.
import { DEFAULT_ACCOUNT_SETTINGS, type AccountSettings } from '../../../../shared/core/domain/account';
import { accountRiskConfig } from '../../../../shared/core/risk/account-config';
import { DEFAULT_RISK_CONFIG } from '../../../../shared/core/risk/config';
import { accountWithSettings } from './fixtures';

describe('accountRiskConfig', () => {
  it('takes sizing.percent from defaultSizePercent and limits.maxLeverage from maxLeverage, defaults elsewhere', () => {
    const config = accountRiskConfig(accountWithSettings({ defaultSizePercent: 7, maxLeverage: 12 }));

    expect(config.sizing).toEqual({ ...DEFAULT_RISK_CONFIG.sizing, percent: 7 });
    expect(config.limits).toEqual({ ...DEFAULT_RISK_CONFIG.limits, maxLeverage: 12 });
    expect(config.switches).toEqual(DEFAULT_RISK_CONFIG.switches);
    expect(config.strategySizing).toEqual({});
  });

  it('lets explicit risk overrides win over the account settings, merging within each group', () => {
    const config = accountRiskConfig(
      accountWithSettings({
        defaultSizePercent: 7,
        maxLeverage: 12,
        risk: {
          sizing: { percent: 3, mode: 'quote' },
          limits: { maxLeverage: 5, longOnly: true },
          switches: { dailyLossPct: 2 },
        },
      }),
    );

    expect(config.sizing).toEqual({ ...DEFAULT_RISK_CONFIG.sizing, percent: 3, mode: 'quote' });
    expect(config.limits).toEqual({ ...DEFAULT_RISK_CONFIG.limits, maxLeverage: 5, longOnly: true });
    expect(config.switches).toEqual({ ...DEFAULT_RISK_CONFIG.switches, dailyLossPct: 2 });
  });

  it('keeps the account settings when the overrides touch other fields of the same group', () => {
    const config = accountRiskConfig(
      accountWithSettings({
        defaultSizePercent: 7,
        maxLeverage: 12,
        risk: { sizing: { riskPct: 2 }, limits: { maxOpenPositions: 3 } },
      }),
    );

    expect(config.sizing.percent).toBe(7);
    expect(config.sizing.riskPct).toBe(2);
    expect(config.limits.maxLeverage).toBe(12);
    expect(config.limits.maxOpenPositions).toBe(3);
  });

  it('carries strategy sizing and per-symbol caps from the overrides', () => {
    const config = accountRiskConfig(
      accountWithSettings({
        risk: { strategySizing: { scalp: { percent: 2 } }, limits: { symbolMaxLeverage: { 'BTC/USDT:USDT': 10 } } },
      }),
    );
    expect(config.strategySizing).toEqual({ scalp: { percent: 2 } });
    expect(config.limits.symbolMaxLeverage).toEqual({ 'BTC/USDT:USDT': 10 });
  });

  it('resolves once per settings object: the same object comes back for the same settings', () => {
    const settings = { ...DEFAULT_ACCOUNT_SETTINGS, defaultSizePercent: 4 };
    const first = accountRiskConfig({ settings });

    expect(accountRiskConfig({ settings })).toBe(first);
    // another account record sharing the settings object shares the result
    expect(accountRiskConfig({ settings, accountId: 'other' } as { settings: AccountSettings })).toBe(first);
    // equal settings in another object are resolved again, to an equal configuration
    const again = accountRiskConfig({ settings: { ...settings } });
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('leaves the defaults untouched', () => {
    const before = structuredClone(DEFAULT_RISK_CONFIG);
    accountRiskConfig(
      accountWithSettings({
        defaultSizePercent: 1,
        maxLeverage: 2,
        risk: { limits: { symbolMaxLeverage: { X: 1 } }, switches: { circuitBreaker: [] } },
      }),
    );
    expect(DEFAULT_RISK_CONFIG).toEqual(before);
  });
});
