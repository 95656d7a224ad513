import { STRATEGY_TIMEFRAMES } from '../../shared/core/domain/strategy-subscription';
import { parseNotifyConfig } from '../../shared/platform/notify-config';
import {
  buildStageConfigs,
  RUNNER_TIMEFRAMES,
  getStageConfig,
  isTimeZone,
  telegramEnabled,
  parseStage,
  StageConfigError,
  TRADINGVIEW_WEBHOOK_IPS,
  validateStageConfig,
  type StageConfig,
} from '../../infra/config/stages';

describe('stage config', () => {
  it('matches the reviewed dev and prod records', () => {
    const configs = buildStageConfigs({});

    expect(configs.dev).toMatchSnapshot('dev');
    expect(configs.prod).toMatchSnapshot('prod');
  });

  it('turns the TradingView IP allowlist on in prod and off in dev', () => {
    const configs = buildStageConfigs({});

    expect(configs.prod.webhook.ipAllowlist).toEqual(['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7']);
    expect(configs.prod.webhook.ipAllowlist).toEqual(TRADINGVIEW_WEBHOOK_IPS);
    expect(configs.dev.webhook.ipAllowlist).toEqual([]);
  });

  it('takes account and region from CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION', () => {
    const config = getStageConfig('dev', {}, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-1' });

    expect(config.account).toBe('123456789012');
    expect(config.region).toBe('eu-west-1');
  });

  it('leaves account and region unset without those variables (environment-agnostic)', () => {
    const config = getStageConfig('prod', {}, {});

    expect(config.account).toBeUndefined();
    expect(config.region).toBeUndefined();
  });

  it('stays environment-agnostic with a region but no account (the CLI always passes a region)', () => {
    const config = getStageConfig('dev', {}, { CDK_DEFAULT_REGION: 'us-east-1' });

    expect(config.account).toBeUndefined();
    expect(config.region).toBeUndefined();
  });

  it('overrides the alarm e-mail', () => {
    expect(getStageConfig('prod', { alarmEmail: 'ops@example.org' }, {}).alarmEmail).toBe('ops@example.org');
  });

  it('accepts the known stages', () => {
    expect(parseStage('dev')).toBe('dev');
    expect(parseStage('prod')).toBe('prod');
  });

  it('rejects an unknown stage naming the allowed ones', () => {
    expect(() => parseStage('staging')).toThrow(StageConfigError);
    expect(() => parseStage('staging')).toThrow(/"staging".*allowed: dev, prod/);
    expect(() => parseStage(undefined)).toThrow(/no stage given.*-c stage=<dev\|prod>/);
  });

  it('rejects an SQS FIFO batch size above 10', () => {
    const config: StageConfig = { ...buildStageConfigs({}).dev };
    config.executor = { ...config.executor, batchSize: 11 };

    expect(() => validateStageConfig(config)).toThrow(/batchSize/);
  });

  it.each([
    [{ limit: 9, windowSeconds: 60 }, /webhook.accountRateLimit.limit must be an integer 10..2000000000/],
    [{ limit: 60.5, windowSeconds: 60 }, /webhook.accountRateLimit.limit must be an integer/],
    [{ limit: 60, windowSeconds: 30 }, /webhook.accountRateLimit.windowSeconds must be 60, 120, 300 or 600/],
  ])('rejects a per-account rate limit AWS WAF would refuse: %j', (accountRateLimit, message) => {
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.webhook = {
      ...config.webhook,
      accountRateLimit: accountRateLimit as StageConfig['webhook']['accountRateLimit'],
    };

    expect(() => validateStageConfig(config)).toThrow(message);
  });

  it('rejects a signal lease that does not outlive the executor timeout', () => {
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.executor = { ...config.executor, signalLeaseMs: config.executor.timeoutSeconds * 1000 };

    expect(() => validateStageConfig(config)).toThrow(/signalLeaseMs/);
  });

  it('rejects an alarm e-mail that is not an address', () => {
    expect(() => getStageConfig('dev', { alarmEmail: 'not-an-email' }, {})).toThrow(/alarmEmail/);
  });

  it('schedules the strategy runner on exactly the timeframes subscriptions can use', () => {
    expect([...RUNNER_TIMEFRAMES]).toEqual([...STRATEGY_TIMEFRAMES]);
    // A subscription on a timeframe without its rule would be accepted and never trade.
    for (const config of Object.values(buildStageConfigs({}))) {
      expect([...config.strategyRunner.timeframes]).toEqual([...STRATEGY_TIMEFRAMES]);
      expect(config.strategyRunner.timeoutSeconds).toBeLessThan(60);
    }
  });

  it.each([
    [{ timeframes: ['1h', '2h'] }, /strategyRunner.timeframes: "2h"/],
    [{ timeframes: ['1h', '1h'] }, /listed twice/],
    [{ timeframes: ['1m', '1h'], timeoutSeconds: 60 }, /shorter than its shortest timeframe/],
    [{ settleSeconds: 60 }, /settleSeconds must be 0..50/],
    [{ settleSeconds: 30, timeoutSeconds: 30 }, /timeoutSeconds must exceed settleSeconds/],
  ])('rejects the strategy runner setting %j', (patch, message) => {
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.strategyRunner = { ...config.strategyRunner, ...(patch as Partial<StageConfig['strategyRunner']>) };

    expect(() => validateStageConfig(config)).toThrow(message);
  });

  it('ends a risk check run before the next one-minute tick and reserves no concurrency by default', () => {
    for (const config of Object.values(buildStageConfigs({}))) {
      expect(config.riskCheck.timeoutSeconds).toBeLessThan(60);
      expect(config.riskCheck.reservedConcurrency).toBeUndefined();
    }
  });

  it.each([
    [{ timeoutSeconds: 60 }, /riskCheck.timeoutSeconds must be 1..59/],
    [{ timeoutSeconds: 0 }, /riskCheck.timeoutSeconds must be 1..59/],
    [{ reservedConcurrency: 0 }, /riskCheck.reservedConcurrency must be at least 1/],
  ])('rejects the risk check setting %j', (patch, message) => {
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.riskCheck = { ...config.riskCheck, ...(patch as Partial<StageConfig['riskCheck']>) };

    expect(() => validateStageConfig(config)).toThrow(message);
  });

  it('turns Telegram off until chats are given, and takes them, the notification e-mail and Discord from the overrides', () => {
    const plain = getStageConfig('prod', {}, {});
    expect(plain.telegram.chatIds).toEqual([]);
    expect(telegramEnabled(plain)).toBe(false);
    expect(plain.notify).toMatchObject({ discord: false });
    expect(plain.notify.email).toBeUndefined();

    const on = getStageConfig(
      'prod',
      { telegramChatIds: ['123', '-100200'], telegramUserIds: ['123'], notifyEmail: 'me@example.org', discord: true },
      {},
    );
    expect(on.telegram.chatIds).toEqual(['123', '-100200']);
    expect(telegramEnabled(on)).toBe(true);
    expect(on.notify).toMatchObject({ email: 'me@example.org', discord: true });
  });

  it('reports daily at 00:05 and weekly on Monday, in UTC unless the stage says otherwise', () => {
    for (const config of Object.values(buildStageConfigs({})))
      expect(config.report).toMatchObject({ timeZone: 'UTC', dailyAt: '00:05', weeklyDay: 'MON' });
  });

  it('batches the audit stream for the notifier: 50 records or 5 s, 3 retries, a flush every 15 minutes', () => {
    for (const config of Object.values(buildStageConfigs({})))
      expect(config.notify.notifier).toMatchObject({
        batchSize: 50,
        maxBatchingWindowSeconds: 5,
        retryAttempts: 3,
        flushEveryMinutes: 15,
      });
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, /report.timeZone "Mars\/Olympus" is not an IANA time zone/],
    [{ dailyAt: '24:00' }, /report.dailyAt "24:00" must be HH:MM/],
    [{ dailyAt: '7:30' }, /report.dailyAt "7:30" must be HH:MM/],
    [{ weeklyDay: 'MONDAY' }, /report.weeklyDay "MONDAY" must be one of MON/],
  ])('rejects the report setting %j', (patch, message) => {
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.report = { ...config.report, ...(patch as Partial<StageConfig['report']>) };
    expect(() => validateStageConfig(config)).toThrow(message);
  });

  it.each([
    [{ telegramChatIds: ['@me'], telegramUserIds: ['1'] }, /telegram.chatIds: "@me" is not a numeric chat id/],
    [{ telegramChatIds: ['1', '1'], telegramUserIds: ['1'] }, /a chat is listed twice/],
    [{ telegramChatIds: ['1'] }, /telegram.userIds: name at least one person the bot obeys/],
    [{ telegramChatIds: ['1'], telegramUserIds: ['-5'] }, /telegram.userIds: "-5" is not a numeric user id/],
    [{ telegramChatIds: ['1'], telegramUserIds: ['7', '7'] }, /a person is listed twice/],
    [{ notifyEmail: 'nobody' }, /notify.email "nobody" is not an e-mail address/],
  ])('rejects the override %j', (overrides, message) => {
    expect(() => getStageConfig('prod', overrides, {})).toThrow(message);
  });

  it.each([
    [{ batchSize: 0 }, /batchSize must be 1..10000/],
    [{ batchSize: 10_001 }, /batchSize must be 1..10000/],
    [{ maxBatchingWindowSeconds: 301 }, /maxBatchingWindowSeconds must be 0..300/],
    [{ retryAttempts: -1 }, /retryAttempts must be 0..10000/],
    [{ flushEveryMinutes: 0 }, /flushEveryMinutes must be 1..1440/],
  ])('rejects the notifier setting %j', (patch, message) => {
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.notify = { ...config.notify, notifier: { ...config.notify.notifier, ...patch } };
    expect(() => validateStageConfig(config)).toThrow(message);
  });

  it('rejects a bot timeout the HTTP API would cut', () => {
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.telegram = { ...config.telegram, bot: { ...config.telegram.bot, timeoutSeconds: 30 } };
    expect(() => validateStageConfig(config)).toThrow(/telegram.bot.timeoutSeconds must be 1..29/);
  });

  it("accepts routing rules and quiet hours that the notifier's own parser accepts, and rejects bad quiet hours", () => {
    const routing = {
      rules: [
        { kinds: '*' as const, channels: ['telegram' as const], minSeverity: 'info' as const },
        { kinds: ['kill_switch', 'alert'], channels: ['email' as const], minSeverity: 'warning' as const },
      ],
      quietHours: { start: '22:30', end: '07:00', timeZone: 'Europe/Berlin' },
    };
    const config: StageConfig = { ...buildStageConfigs({}).prod };
    config.notify = { ...config.notify, routing };
    expect(() => validateStageConfig(config)).not.toThrow();
    expect(parseNotifyConfig(JSON.stringify(routing))).toEqual(routing);

    config.notify = {
      ...config.notify,
      routing: { ...routing, quietHours: { start: '22:30', end: '7', timeZone: 'Nowhere/City' } },
    };
    expect(() => validateStageConfig(config)).toThrow(
      /quietHours start and end must be HH:MM.*quietHours.timeZone "Nowhere\/City"/,
    );
  });
});
