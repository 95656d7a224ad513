// The manifest infra grants from (shared/platform/table-access.ts) against the code: each
// repository's entry equals the declaration on its class, and each function's list equals the
// repositories its runtime builder builds, called as the function's handler calls it. The adapter
// modules are replaced by subclasses that record their construction (record-repositories.ts);
// nothing is sent anywhere (building sends no command).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutorMetrics } from '../../../functions/executor/app';
import { RiskCheckMetrics } from '../../../functions/risk-check/app';
import type { CandleSource } from '../../../shared/core/ports/candles';
import type { KeyVault } from '../../../shared/core/ports/runtime';
import {
  consoleApiEnvSchema,
  executorEnvSchema,
  loadEnv,
  sliceTimerEnvSchema,
  tradingEnvSchema,
  webhookEnvSchema,
} from '../../../shared/platform/config';
import { advisorEnvSchema } from '../../../shared/platform/advisor-config';
import { ensembleEnvSchema, marketSummaryEnvSchema } from '../../../shared/platform/ensemble-config';
import { notifierEnvSchema, reportEnvSchema } from '../../../shared/platform/notify-config';
import { tableName } from '../../../shared/platform/resource-names';
import { strategyRunnerEnvSchema } from '../../../shared/platform/strategy-runner-config';
import { fundingArbEnvSchema } from '../../../shared/platform/funding-arb-config';
import {
  ADMIN_DATA_REPOSITORIES,
  FUNCTION_REPOSITORIES,
  functionTableGrants,
  REPOSITORY_ACCESS,
  type FunctionName,
} from '../../../shared/platform/table-access';
import { telegramBotEnvSchema } from '../../../shared/platform/telegram-config';
import {
  buildExecuteSignal,
  buildSettlePaperTriggers,
  buildTradingRuntime,
  buildUsageMeter,
} from '../../../shared/runtime/executor';
import type { DeferredEntryGate } from '../../../shared/runtime/entry-gate';
import { buildNotifier } from '../../../shared/runtime/notifier';
import { buildSendReports } from '../../../shared/runtime/report';
import { buildRiskCheck } from '../../../shared/runtime/risk-check';
import { buildRunStrategies } from '../../../shared/runtime/strategy-runner';
import { buildFundingArb } from '../../../shared/runtime/funding-arb';
import { buildTelegramBot } from '../../../shared/runtime/telegram-bot';
import { buildAcceptWebhook } from '../../../shared/runtime/webhook';
import { buildTenantAdmin, consoleScopes } from '../../../shared/runtime/console-api';
import { buildReleaseSlice } from '../../../shared/runtime/algo';
import { REPOSITORY_CLASSES } from '../adapters/dynamodb/repository-classes';
import { built } from './record-repositories';

jest.mock('../../../shared/adapters/dynamodb/account-repository', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/account-repository')),
);
jest.mock('../../../shared/adapters/dynamodb/tenant-admin-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/tenant-admin-store')),
);
jest.mock('../../../shared/adapters/dynamodb/alert-log', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/alert-log')),
);
jest.mock('../../../shared/adapters/dynamodb/audit-log', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/audit-log')),
);
jest.mock('../../../shared/adapters/dynamodb/confirmation-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/confirmation-store')),
);
jest.mock('../../../shared/adapters/dynamodb/funding-reading-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/funding-reading-store')),
);
jest.mock('../../../shared/adapters/dynamodb/held-notifications', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/held-notifications')),
);
jest.mock('../../../shared/adapters/dynamodb/live-price-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/live-price-store')),
);
jest.mock('../../../shared/adapters/dynamodb/order-repository', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/order-repository')),
);
jest.mock('../../../shared/adapters/dynamodb/paper-ledger-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/paper-ledger-store')),
);
jest.mock('../../../shared/adapters/dynamodb/position-book', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/position-book')),
);
jest.mock('../../../shared/adapters/dynamodb/telegram-link-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/telegram-link-store')),
);
jest.mock('../../../shared/adapters/dynamodb/risk-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/risk-store')),
);
jest.mock('../../../shared/adapters/dynamodb/signal-ledger', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/signal-ledger')),
);
jest.mock('../../../shared/adapters/dynamodb/tenant-account-index', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/tenant-account-index')),
);
jest.mock('../../../shared/adapters/dynamodb/tenant-directory', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/tenant-directory')),
);
jest.mock('../../../shared/adapters/dynamodb/tenant-notify-settings', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/tenant-notify-settings')),
);
jest.mock('../../../shared/adapters/dynamodb/algo-parent-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/algo-parent-store')),
);
jest.mock('../../../shared/adapters/dynamodb/arb-round-store', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/arb-round-store')),
);
jest.mock('../../../shared/adapters/dynamodb/token-budget', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/token-budget')),
);
jest.mock('../../../shared/adapters/dynamodb/usage-meter', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/usage-meter')),
);
jest.mock('../../../shared/adapters/dynamodb/trade-repository', () =>
  jest
    .requireActual('./record-repositories')
    .recording(jest.requireActual('../../../shared/adapters/dynamodb/trade-repository')),
);

const STAGE = 'wiring';
const common = { STAGE, AWS_REGION: 'eu-west-1' };
const QUEUE = { SIGNAL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/tvat-wiring-signals.fifo' };
const TELEGRAM = {
  TELEGRAM_BOT_TOKEN: '123456:test-token',
  TELEGRAM_WEBHOOK_SECRET: 'a-webhook-secret-of-length',
  TELEGRAM_CHAT_IDS: '1',
  TELEGRAM_USER_IDS: '1',
};
/** building never decrypts */
const vault: KeyVault = { decrypt: () => Promise.reject(new Error('not in this test')) } as unknown as KeyVault;
const candles: CandleSource = {
  closedCandles: () => Promise.reject(new Error('not in this test')),
  spanMs: () => 3_600_000,
};

const executorEnv = () =>
  loadEnv(executorEnvSchema, {
    ...common,
    KEY_VAULT: 'local',
    LOCAL_KEY_FILE: '/nonexistent/key',
    PAPER_PRICE_SOURCE: 'exchange',
    RISK_CANDLE_SOURCE: 'none',
    // the slice timer: sliced entries' parents on the risk table (built only when the stage has it)
    SLICE_TIMER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/tvat-wiring-slice-timer',
  });

/**
 * Each function's composition, as its handler (functions/<dir>/handler.ts) writes it; `calls` are
 * the builders that handler must call, so a handler that changes its wiring fails here until this
 * follows it.
 */
const WIRING: Record<FunctionName, { dir: string; calls: string[]; build: () => unknown }> = {
  webhook: {
    dir: 'webhook',
    calls: ['buildAcceptWebhook('],
    build: () => buildAcceptWebhook(loadEnv(webhookEnvSchema, { ...common, ...QUEUE })),
  },
  executor: {
    dir: 'executor',
    calls: [
      'buildExecuteSignal(',
      'metrics.observe(buildTradingRuntime(',
      'buildUsageMeter(',
      'llm: loadEnv(advisorEnvSchema)',
    ],
    // with a model listed (the stage's `ai` block): the most the role is used for. The entry gate
    // builds its models on the first entry (shared/runtime/entry-gate.ts): ready() is that moment.
    build: async () => {
      const env = executorEnv();
      buildUsageMeter(env);
      const useCase = buildExecuteSignal(env, new ExecutorMetrics().observe(buildTradingRuntime(env)), vault, {
        ensemble: loadEnv(ensembleEnvSchema, { ENSEMBLE_MODELS: 'bedrock:amazon.nova-micro-v1:0' }),
        llm: loadEnv(advisorEnvSchema, common),
      });
      await (useCase as unknown as { deps: { entryGate: DeferredEntryGate } }).deps.entryGate.ready();
    },
  },
  paperTick: {
    dir: 'paper-tick',
    calls: ['buildSettlePaperTriggers(buildTradingRuntime('],
    build: () =>
      buildSettlePaperTriggers(
        buildTradingRuntime(loadEnv(tradingEnvSchema, { ...common, PAPER_PRICE_SOURCE: 'exchange' })),
      ),
  },
  riskCheck: {
    dir: 'risk-check',
    calls: ['buildRiskCheck(', 'metrics.observe(buildTradingRuntime('],
    build: () => {
      const env = executorEnv();
      return buildRiskCheck(env, new RiskCheckMetrics().observe(buildTradingRuntime(env)), vault);
    },
  },
  strategyRunner: {
    dir: 'strategy-runner',
    calls: ['buildRunStrategies('],
    build: () => buildRunStrategies(loadEnv(strategyRunnerEnvSchema, { ...common, ...QUEUE }), undefined, candles),
  },
  fundingArb: {
    dir: 'funding-arb',
    calls: ['buildFundingArb('],
    build: () => buildFundingArb(loadEnv(fundingArbEnvSchema, { ...common, ...QUEUE })),
  },
  notifier: {
    dir: 'notifier',
    calls: ['buildNotifier('],
    build: () => buildNotifier(loadEnv(notifierEnvSchema, common), { channels: [] }),
  },
  report: {
    dir: 'report',
    calls: ['buildSendReports(', 'llm: loadEnv(advisorEnvSchema)'],
    build: () =>
      buildSendReports(loadEnv(reportEnvSchema, common), {
        channels: [],
        candles,
        marketSummary: loadEnv(marketSummaryEnvSchema, { MARKET_SUMMARY_MODEL: 'bedrock:amazon.nova-micro-v1:0' }),
        llm: loadEnv(advisorEnvSchema, common),
      }),
  },
  // The bot builds its tables on the first command: commands() is that moment.
  telegramBot: {
    dir: 'telegram-bot',
    calls: ['buildTelegramBot('],
    build: () => buildTelegramBot(loadEnv(telegramBotEnvSchema, { ...common, ...QUEUE, ...TELEGRAM })).commands(),
  },
  consoleApi: {
    dir: 'console-api',
    // every repository is built per tenant: one tenant's scope is what a request builds
    calls: ['consoleScopes('],
    build: () => {
      consoleScopes(loadEnv(consoleApiEnvSchema, { ...common, ...QUEUE }))('acc');
    },
  },
  sliceTimer: {
    dir: 'slice-timer',
    calls: ['buildReleaseSlice('],
    build: () =>
      buildReleaseSlice(
        loadEnv(sliceTimerEnvSchema, {
          ...common,
          ...QUEUE,
          SLICE_TIMER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/tvat-wiring-slice-timer',
        }),
      ),
  },
};

async function repositoriesBuiltBy(fn: FunctionName): Promise<string[]> {
  built.length = 0;
  await WIRING[fn].build();
  for (const { name, table } of built) {
    expect({ name, table }).toEqual({
      name,
      table: tableName(STAGE, REPOSITORY_ACCESS[name as keyof typeof REPOSITORY_ACCESS].table),
    });
  }
  return [...new Set(built.map((b) => b.name))].sort();
}

describe('REPOSITORY_ACCESS', () => {
  it('has an entry for every repository class and for nothing else', () => {
    expect(Object.keys(REPOSITORY_ACCESS).sort()).toEqual(Object.keys(REPOSITORY_CLASSES).sort());
  });

  it.each(Object.keys(REPOSITORY_CLASSES))('equals the declaration on %s', (name) => {
    const declared = REPOSITORY_CLASSES[name as keyof typeof REPOSITORY_CLASSES].tableAccess;
    const manifest = REPOSITORY_ACCESS[name as keyof typeof REPOSITORY_ACCESS];
    expect({ table: manifest.table, actions: [...manifest.actions].sort(), indexes: manifest.indexes ?? [] }).toEqual({
      table: declared.table,
      actions: [...declared.actions].sort(),
      indexes: [],
    });
  });
});

describe('FUNCTION_REPOSITORIES', () => {
  it.each(Object.keys(WIRING) as FunctionName[])('%s: the repositories its runtime builder builds', async (fn) => {
    expect(await repositoriesBuiltBy(fn)).toEqual([...FUNCTION_REPOSITORIES[fn]].sort());
  });

  it.each(Object.keys(WIRING) as FunctionName[])(
    '%s: its handler composes it with the builders this test calls',
    (fn) => {
      const handler = readFileSync(join(__dirname, '../../../functions', WIRING[fn].dir, 'handler.ts'), 'utf8');
      for (const call of WIRING[fn].calls) expect({ fn, has: handler.includes(call) }).toEqual({ fn, has: true });
    },
  );

  it('covers every function that has a handler, the alarm relay (no table) aside', () => {
    expect(Object.keys(WIRING).sort()).toEqual(Object.keys(FUNCTION_REPOSITORIES).sort());
  });
});

describe('no Scan of every tenant for the roles that act for one tenant', () => {
  it.each(['telegramBot', 'consoleApi'] as const)(
    "%s: the accounts are the tenant's index and GetItem, never a Scan",
    (fn) => {
      const accounts = functionTableGrants(fn).find((g) => g.table === 'accounts');
      expect(accounts?.actions).toContain('dynamodb:GetItem');
      expect(functionTableGrants(fn).flatMap((g) => g.actions)).not.toContain('dynamodb:Scan');
      expect(FUNCTION_REPOSITORIES[fn]).toContain('DynamoTenantAccountIndex');
    },
  );
});

describe('ADMIN_DATA_REPOSITORIES', () => {
  it("equals what the admin's view builds, and a tenant's scope builds none of them", async () => {
    const env = loadEnv(consoleApiEnvSchema, { ...common, ...QUEUE });
    built.length = 0;
    buildTenantAdmin(env)();
    const admin = [...new Set(built.map((b) => b.name))].sort();
    expect(admin).toEqual([...ADMIN_DATA_REPOSITORIES].sort());
    for (const { name, table } of built)
      expect({ name, table }).toEqual({
        name,
        table: tableName(STAGE, REPOSITORY_ACCESS[name as keyof typeof REPOSITORY_ACCESS].table),
      });
    const tenant = await repositoriesBuiltBy('consoleApi');
    expect(tenant.filter((name) => admin.includes(name))).toEqual([]);
  });

  it('the handler composes the admin view with buildTenantAdmin', () => {
    const handler = readFileSync(join(__dirname, '../../../functions/console-api/handler.ts'), 'utf8');
    expect(handler).toContain('buildTenantAdmin(');
  });
});
