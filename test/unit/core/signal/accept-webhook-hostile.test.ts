// The bodies the review found accepted, through the real handler path (Lambda handler → AcceptWebhook,
// ports in memory): each is now refused with 422 naming its field, and nothing is queued. Then the
// replay setting: an account that requires `time` refuses an alert without it; one that does not
// keeps today's behaviour, with the windows each defence covers.
import type { AcceptWebhookDeps, WebhookLimits } from '../../../../shared/core/signal/accept-webhook';
import { loadEnv, webhookEnvSchema } from '../../../../shared/platform/config';
import { buildAcceptWebhook } from '../../../../shared/runtime/webhook';
import { FUZZ_ACCOUNT, FUZZ_T0, FUZZ_TOKEN, webhookUnderTest } from '../../../fuzz/harness';

/** A JSON alert written as text, so raw literals like 1e400 reach the parser as sent. */
const alertText = (extra: Record<string, string> = {}): string => {
  const fields: Record<string, string> = {
    token: JSON.stringify(FUZZ_TOKEN),
    account: JSON.stringify(FUZZ_ACCOUNT),
    action: '"long"',
    symbol: '"BTCUSDT"',
    ...extra,
  };
  return `{${Object.entries(fields)
    .map(([k, v]) => `"${k}":${v}`)
    .join(',')}}`;
};
const iso = (ms: number): string => JSON.stringify(new Date(ms).toISOString());

describe('webhook: the hostile bodies of the review are refused with 422 naming the field', () => {
  test.each<[string, Record<string, string>, string, string]>([
    ['size: 1e308 (JSON number)', { size: '1e308' }, 'size', 'must be at most 1000000000000'],
    ['size: "1e308"', { size: '"1e308"' }, 'size', 'must be at most 1000000000000'],
    ['size: 1e400 (JSON.parse gives Infinity)', { size: '1e400' }, 'size', 'must be a string or a finite number'],
    [
      'size: 1e-320 (a denormal DynamoDB refuses as an underflow)',
      { size: '1e-320' },
      'size',
      'must have at most 18 decimal places',
    ],
    ['size: "1e-400" (Number() would read 0)', { size: '"1e-400"' }, 'size', 'must have at most 18 decimal places'],
    ['size: -0', { size: '-0' }, 'size', 'must be greater than 0'],
    ['size: "1e308%"', { size: '"1e308%"' }, 'size', 'percent must be at most 100'],
    ['size: "1e21usdt"', { size: '"1e21usdt"' }, 'size', 'quote amount must be at most 1000000000000'],
    ['price: 1e308', { price: '1e308' }, 'price', 'must be at most 10000000000'],
    ['price: 1e21', { price: '1e21' }, 'price', 'must be at most 10000000000'],
    ['tp: 1e21', { tp: '1e21' }, 'tp', 'price must be at most 10000000000'],
    ['tp: 1.8e19', { tp: '1.8e19' }, 'tp', 'price must be at most 10000000000'],
    ['tp ladder: "2%:50,1e21"', { tp: '"2%:50,1e21"' }, 'tp', 'price must be at most 10000000000'],
    ['tp ladder share: "2%:1e-320,4%"', { tp: '"2%:1e-320,4%"' }, 'tp', 'share must have at most 18 decimal places'],
    ['sl: 1e308', { sl: '1e308' }, 'sl', 'price must be at most 10000000000'],
    ['sl: "1e-320"', { sl: '"1e-320"' }, 'sl', 'price must have at most 18 decimal places'],
    ['sl: "100%"', { sl: '"100%"' }, 'sl', 'percent must be at most 99'],
    ['trail: "1e308%"', { trail: '"1e308%"' }, 'trail', 'percent must be at most 50'],
    ['limit: 1e21', { type: '"limit"', limit: '1e21' }, 'limit', 'price must be at most 10000000000'],
    ['leverage: 1e308', { leverage: '1e308' }, 'leverage', 'must be at most 125'],
    ['leverage: "5.5"', { leverage: '"5.5"' }, 'leverage', 'must be a whole number'],
    ['a 400-digit size', { size: `"${'9'.repeat(400)}"` }, 'size', 'must be at most 1000000000000'],
    [
      'symbol: "ſolusdt" (toUpperCase would make it SOLUSDT)',
      { symbol: '"ſolusdt"' },
      'symbol',
      'must be printable ASCII (found U+017F)',
    ],
    [
      'symbol: fullwidth "ＢＴＣＵＳＤＴ"',
      { symbol: '"ＢＴＣＵＳＤＴ"' },
      'symbol',
      'must be printable ASCII (found U+FF22)',
    ],
    [
      'symbol with a right-to-left mark',
      { symbol: '"BTC\u200fUSDT"' },
      'symbol',
      'must be printable ASCII (found U+200F)',
    ],
    ['symbol with NUL', { symbol: '"BTCUSDT\\u0000"' }, 'symbol', 'must be printable ASCII (found U+0000)'],
    [
      'symbol with a no-break space that trim() would remove',
      { symbol: '"BTCUSDT\u00a0"' },
      'symbol',
      'must be printable ASCII (found U+00A0)',
    ],
    ['action: "ſhort"', { action: '"ſhort"' }, 'action', 'must be printable ASCII (found U+017F)'],
    [
      'action with the Kelvin sign',
      { action: '"close_all\u212a"' },
      'action',
      'must be printable ASCII (found U+212A)',
    ],
    ['strategy: "趋势"', { strategy: '"趋势"' }, 'strategy', 'must be printable ASCII (found U+8D8B)'],
    ['id: "ﬀ-1"', { id: '"ﬀ-1"' }, 'id', 'must be printable ASCII (found U+FB00)'],
  ])('%s', async (_name, extra, field, message) => {
    const webhook = webhookUnderTest();

    const res = await webhook.post(alertText(extra));

    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: 'validation', issues: [{ field, message }] });
    expect(webhook.queue).toEqual([]);
  });

  it('refuses the text/plain form of the same values', async () => {
    const webhook = webhookUnderTest();

    const res = await webhook.post(
      `token=${FUZZ_TOKEN}\naccount=${FUZZ_ACCOUNT}\naction=long\nsymbol=ſolusdt\nsize=1e308\ntp=1e21\nprice=1e-320`,
    );

    expect(res.status).toBe(422);
    expect(res.body.issues).toEqual([
      { field: 'symbol', message: 'must be printable ASCII (found U+017F)' },
      { field: 'size', message: 'must be at most 1000000000000' },
      { field: 'tp', message: 'price must be at most 10000000000' },
      { field: 'price', message: 'must have at most 18 decimal places' },
    ]);
    expect(webhook.queue).toEqual([]);
  });

  it('refuses an account id with a look-alike in the URL path before looking it up (401, nothing queued)', async () => {
    const webhook = webhookUnderTest();

    const res = await webhook.post(alertText({ account: '"acc-fuzz"' }), { pathAccount: 'acc-fuzſ' });

    expect(res.status).toBe(401);
    expect(webhook.queue).toEqual([]);
  });

  it('accepts every bound exactly at its edge, and queues the values unchanged', async () => {
    const webhook = webhookUnderTest({ settings: { maxLeverage: 125 } });

    const res = await webhook.post(
      alertText({
        size: '1e12',
        leverage: '125',
        sl: '"99%"',
        tp: '"1000%:50,10000000000"',
        trail: '"50%"',
        price: '"0.000000000000000001"',
        type: '"limit"',
        limit: '"50%"',
      }),
    );

    expect(res.status).toBe(202);
    expect(webhook.queue[0]?.signal).toMatchObject({
      size: { kind: 'contracts', value: 1e12 },
      leverage: 125,
      sl: { kind: 'percent', value: 99 },
      tp: { kind: 'percent', value: 1000 },
      tpLevels: [
        { level: { kind: 'percent', value: 1000 }, sharePct: 50 },
        { level: { kind: 'price', value: 1e10 }, sharePct: 50 },
      ],
      trailPct: 50,
      order: { type: 'limit', limit: { kind: 'percent', value: 50 } },
      signalPrice: 1e-18,
    });
  });
});

describe('webhook: replay protection by fire time (account setting requireTime)', () => {
  const bare = alertText(); // no id, no time: a captured body

  it('refuses an alert without time when the account requires it, naming time', async () => {
    const webhook = webhookUnderTest({ settings: { requireTime: true } });

    const res = await webhook.post(bare);

    expect(res.status).toBe(422);
    expect(res.body.issues).toEqual([{ field: 'time', message: 'required by this account: add "time":"{{timenow}}"' }]);
    expect(webhook.queue).toEqual([]);
  });

  it('refuses an alert with an id but no time too: the id record expires, the stale guard does not', async () => {
    const webhook = webhookUnderTest({ settings: { requireTime: true } });

    expect((await webhook.post(alertText({ id: '"a-1"' }))).status).toBe(422);
  });

  it('with time required: the same body is a duplicate within the 60 s age limit and refused as stale after it, forever', async () => {
    const webhook = webhookUnderTest({ settings: { requireTime: true } });
    const body = alertText({ time: iso(FUZZ_T0 - 1_000) });

    const first = await webhook.post(body);
    webhook.clock.t += 30_000;
    const replayWithin = await webhook.post(body);
    webhook.clock.t += 60_000;
    const replayAfter = await webhook.post(body);
    webhook.clock.t += 8 * 86_400_000; // past the dedup record's 7 days
    const replayMuchLater = await webhook.post(body);

    expect(first.status).toBe(202);
    expect(replayWithin).toMatchObject({ status: 200, body: { status: 'duplicate', signalId: first.body.signalId } });
    for (const replay of [replayAfter, replayMuchLater]) {
      expect(replay.status).toBe(422);
      expect(replay.body.issues).toEqual([
        expect.objectContaining({
          field: 'time',
          message: expect.stringMatching(/^stale: fired \d+ s ago, limit 60 s$/),
        }),
      ]);
    }
    expect(webhook.queue).toHaveLength(1);
  });

  it('without the setting (the behaviour so far): a bare body is accepted, a duplicate within 5 minutes, and a new signal after them', async () => {
    const webhook = webhookUnderTest({ settings: { requireTime: false } });

    const first = await webhook.post(bare);
    webhook.clock.t += 4 * 60_000;
    const within = await webhook.post(bare);
    webhook.clock.t += 2 * 60_000;
    const after = await webhook.post(bare);

    expect(first.status).toBe(202);
    expect(within).toMatchObject({ status: 200, body: { status: 'duplicate', signalId: first.body.signalId } });
    // The gap requireTime closes: past the 5-minute record a captured body trades again.
    expect(after.status).toBe(202);
    expect(after.body.signalId).not.toBe(first.body.signalId);
    expect(webhook.queue).toHaveLength(2);
  });

  it('the account setting wins over the deployment default, both ways', async () => {
    const optedOut = webhookUnderTest({ limits: { requireTime: true }, settings: { requireTime: false } });
    const optedIn = webhookUnderTest({ limits: { requireTime: false }, settings: { requireTime: true } });
    const byDefault = webhookUnderTest({ limits: { requireTime: true } });

    expect((await optedOut.post(bare)).status).toBe(202);
    expect((await optedIn.post(bare)).status).toBe(422);
    expect((await byDefault.post(bare)).status).toBe(422);
    expect((await byDefault.post(alertText({ time: iso(FUZZ_T0) }))).status).toBe(202);
  });
});

describe('webhook composition: the deployment default of requireTime comes from the stage config', () => {
  // The clients are built but never called: no network.
  const limitsFor = (env: Record<string, string>): WebhookLimits =>
    (
      buildAcceptWebhook(
        loadEnv(webhookEnvSchema, { SIGNAL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q.fifo', ...env }),
      ) as unknown as { deps: AcceptWebhookDeps }
    ).deps.limits;

  it('follows REQUIRE_TIME (the prod stage sets it true: test/infra), off when unset (dev, the local stack)', () => {
    expect(limitsFor({ STAGE: 'prod', REQUIRE_TIME: 'true' }).requireTime).toBe(true);
    expect(limitsFor({ STAGE: 'dev', REQUIRE_TIME: 'false' }).requireTime).toBe(false);
    expect(limitsFor({ STAGE: 'local' }).requireTime).toBe(false);
  });

  it('refuses a REQUIRE_TIME that is neither true nor false, naming it', () => {
    expect(() => limitsFor({ STAGE: 'local', REQUIRE_TIME: 'yes' })).toThrow(/REQUIRE_TIME/);
  });
});
