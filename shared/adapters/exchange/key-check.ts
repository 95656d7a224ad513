// Registration-time checks of live API keys, against the exchange itself: a balance read proves
// the keys trade-read; the exchange's dialect reports permissions where it can (Binance) (withdrawals, IP restriction); the account is
// put in one-way position mode, which the executor assumes.
import type { ExchangeCredentials } from '../../core/domain/account';
import type { ExchangeKeyChecker, KeyCheckResult } from '../../core/ports/runtime';
import type { Clock } from '../../core/ports/runtime';
import { CcxtExchangeAdapter } from './ccxt-exchange';
import type { CcxtExchangeId } from './ccxt-lib';

export class CcxtKeyChecker implements ExchangeKeyChecker {
  constructor(private readonly options: { clock: Clock; apiUrl?: string }) {}

  async check(exchange: CcxtExchangeId, credentials: ExchangeCredentials, testnet: boolean): Promise<KeyCheckResult> {
    const adapter = new CcxtExchangeAdapter({
      id: exchange,
      credentials,
      testnet,
      marginMode: 'isolated',
      clock: this.options.clock,
      ...(this.options.apiUrl ? { apiUrl: this.options.apiUrl } : {}),
    });
    const balance = await adapter.fetchBalance();
    const result: KeyCheckResult = { balance: { currency: balance.currency, equity: balance.equity }, warnings: [] };
    const permissions = await adapter.keyPermissions();
    if (permissions) {
      if (permissions.canWithdraw !== undefined) result.canWithdraw = permissions.canWithdraw;
      if (permissions.ipRestricted !== undefined) result.ipRestricted = permissions.ipRestricted;
      result.warnings.push(...permissions.warnings);
    } else {
      result.warnings.push(`${exchange} does not report key permissions: make sure withdrawals are disabled`);
    }
    if (result.ipRestricted === false)
      result.warnings.push('no IP restriction on these keys: restrict them to your egress IPs on the exchange');
    const mode = await adapter.ensureOneWayMode();
    if (mode === 'switched')
      result.warnings.push(
        'the account was in hedge mode; switched to one-way (the system assumes one position per symbol)',
      );
    return result;
  }
}
