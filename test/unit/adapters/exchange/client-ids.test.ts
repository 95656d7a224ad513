// Our client order ids fit every exchange's rule: 't' + 31 hex chars for any signal and any leg.
import { randomBytes } from 'node:crypto';
import { DIALECTS } from '../../../../shared/adapters/exchange/dialects';
import { CCXT_EXCHANGE_IDS } from '../../../../shared/adapters/exchange/ccxt-lib';
import { clientOrderIdFor, signalIdentity } from '../../../../shared/core/signal/ids';

const LEGS = [
  'open',
  'close',
  'reduce',
  'sl',
  'tp',
  'tp2',
  'tp3',
  'tp4',
  'tp5',
  'trail',
  'flatten',
  'sl-be1',
  'sl-be2',
  'sl-be3',
  'sl-be4',
  'sl-be5',
];

/** Signal ids as the webhook makes them: from an alert id, from a timed body, and random ones. */
function signalIds(count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const account = `acc-${randomBytes(4).toString('hex')}`;
    ids.push(signalIdentity(account, `{"n":${i}}`, `alert-${i}`, false, 1).signalId);
    ids.push(signalIdentity(account, `{"n":${i}}`, undefined, true, 1).signalId);
    ids.push(signalIdentity(account, `{"n":${i}}`, undefined, false, 1).signalId);
  }
  return ids;
}

describe('clientOrderIdFor against every dialect', () => {
  const ids = signalIds(200);

  it.each(CCXT_EXCHANGE_IDS.map((id) => [id] as const))(
    '%s accepts the id of every leg of every signal',
    (exchange) => {
      const pattern = DIALECTS[exchange].clientIdPattern;
      const rejected = ids
        .flatMap((signalId) => LEGS.map((leg) => clientOrderIdFor(signalId, leg)))
        .filter((id) => !pattern.test(id));

      expect(rejected).toEqual([]);
    },
  );

  it('is "t" and 31 lower-case hex characters, the same for the same signal and leg', () => {
    for (const signalId of ids.slice(0, 50)) {
      for (const leg of LEGS) {
        const id = clientOrderIdFor(signalId, leg);
        expect(id).toMatch(/^t[0-9a-f]{31}$/);
        expect(clientOrderIdFor(signalId, leg)).toBe(id);
      }
    }
  });

  it('differs between the legs of one signal and between signals', () => {
    const all = ids.flatMap((signalId) => LEGS.map((leg) => clientOrderIdFor(signalId, leg)));

    expect(new Set(all).size).toBe(all.length);
  });

  it('the dialect rules do refuse ids they should (OKX: no hyphen, nothing over 32)', () => {
    expect(DIALECTS.okx.clientIdPattern.test('t-abc')).toBe(false);
    expect(DIALECTS.okx.clientIdPattern.test(`t${'a'.repeat(32)}`)).toBe(false);
    expect(DIALECTS.bybit.clientIdPattern.test(`t${'a'.repeat(36)}`)).toBe(false);
    expect(DIALECTS.upbit.clientIdPattern.test('t a')).toBe(false);
  });
});
