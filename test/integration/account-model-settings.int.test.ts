// The account's model switches (`account set --ensemble … --market-summary …`) through
// AccountControl and the real DynamoAccountRepository on the local DynamoDB stand-in: what is
// stored is what the executor's gate and the report read (settings.ensemble, settings.marketSummary),
// an option not given keeps its stored value, each change is audited as account.control, and a
// bad K or timeframe is refused with the field and bound named and nothing stored.
import { AccountControl } from '../../shared/core/control/account-control';
import { AccountInputError } from '../../shared/core/control/accounts';
import { systemClock } from '../../shared/core/ports/runtime';
import { createHarness, type Harness } from './harness';

// one stand-in round trip per step, on a machine shared with others
jest.setTimeout(60_000);

let h: Harness;
let control: AccountControl;
beforeAll(async () => {
  h = await createHarness();
  const { accounts, positions, risk, audit } = h.runtime.repos;
  control = new AccountControl({ accounts, positions, risk, audit, clock: systemClock });
});

const settingsOf = async (accountId: string) => (await h.runtime.repos.accounts.get(accountId))?.settings;
const controlEvents = async (accountId: string) =>
  (await h.runtime.repos.audit.listByAccount(accountId, 100)).filter((e) => e.type === 'account.control');

test('ensemble on with K and timeframe, then off keeping them; each change audited', async () => {
  const { accountId } = await h.createAccount(10_000);
  expect((await settingsOf(accountId))?.ensemble).toBeUndefined();

  expect(await control.setEnsemble(accountId, { enabled: true, required: 3, timeframe: '4h' })).toEqual({
    accountId,
    ensemble: { enabled: true, required: 3, timeframe: '4h' },
    previous: undefined,
  });
  expect((await settingsOf(accountId))?.ensemble).toEqual({ enabled: true, required: 3, timeframe: '4h' });

  await control.setEnsemble(accountId, { enabled: false });
  expect((await settingsOf(accountId))?.ensemble).toEqual({ enabled: false, required: 3, timeframe: '4h' });

  // K alone keeps the switch as stored
  await control.setEnsemble(accountId, { required: 1 });
  expect((await settingsOf(accountId))?.ensemble).toEqual({ enabled: false, required: 1, timeframe: '4h' });

  const events = await controlEvents(accountId);
  expect(events.map((e) => e.data)).toEqual(
    expect.arrayContaining([
      { setting: 'ensemble', ensemble: { enabled: true, required: 3, timeframe: '4h' }, previousEnsemble: null },
      {
        setting: 'ensemble',
        ensemble: { enabled: false, required: 3, timeframe: '4h' },
        previousEnsemble: { enabled: true, required: 3, timeframe: '4h' },
      },
    ]),
  );
  expect(events.map((e) => e.message)).toContain('ensemble on, 3 must agree, 4h candles (was off)');
});

test.each([
  [{ required: 0 }, 'ensemble.required: must be an integer 1..7 (models that must agree)'],
  [{ required: 8 }, 'ensemble.required: must be an integer 1..7 (models that must agree)'],
  [{ required: 1.5 }, 'ensemble.required: must be an integer 1..7 (models that must agree)'],
  [{ enabled: true, timeframe: '2h' }, 'ensemble.timeframe: must be one of 1m, 5m, 15m, 1h, 4h, 1d'],
])('refuses %j naming the field and bound; nothing stored, nothing audited', async (change, message) => {
  const { accountId } = await h.createAccount(10_000);
  const error = await control.setEnsemble(accountId, change).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AccountInputError);
  expect((error as Error).message).toBe(message);
  expect((await settingsOf(accountId))?.ensemble).toBeUndefined();
  expect(await controlEvents(accountId)).toEqual([]);
});

test('market summary on stores true; off removes it (absent = off); both audited', async () => {
  const { accountId } = await h.createAccount(10_000);
  expect(await control.setMarketSummary(accountId, true)).toEqual({ accountId, marketSummary: true, previous: false });
  expect((await settingsOf(accountId))?.marketSummary).toBe(true);
  expect(await control.setMarketSummary(accountId, false)).toEqual({ accountId, marketSummary: false, previous: true });
  expect(await settingsOf(accountId)).not.toHaveProperty('marketSummary');
  const data = (await controlEvents(accountId)).map((e) => e.data);
  expect(data).toEqual(
    expect.arrayContaining([
      { setting: 'marketSummary', marketSummary: true, previous: false },
      { setting: 'marketSummary', marketSummary: false, previous: true },
    ]),
  );
});

test('an unknown account is refused and nothing is written', async () => {
  await expect(control.setEnsemble('acc-none-such', { enabled: true })).rejects.toThrow(/acc-none-such/);
  await expect(control.setMarketSummary('acc-none-such', true)).rejects.toThrow(/acc-none-such/);
});
