import { STRATEGY_TIMEFRAMES } from '../../shared/core/domain/strategy-subscription';
import {
  buildStageConfigs,
  RUNNER_TIMEFRAMES,
  getStageConfig,
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
  });

  it.each([
    [{ timeframes: ['1h', '2h'] }, /strategyRunner.timeframes: "2h"/],
    [{ timeframes: ['1h', '1h'] }, /listed twice/],
    [{ timeframes: ['1m', '1h'] }, /shorter than its shortest timeframe/],
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
});
