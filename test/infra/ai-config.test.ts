// The stage's `ai` block (infra/config/ai.ts) as synthesized: without it (every default stage)
// no model variable on any function and no Bedrock statement on any role; with it, the executor
// gets the voting models and the report function the summary's model, each role
// bedrock:InvokeModel on exactly its own Bedrock models' ARNs, and cdk-nag stays clean. The
// config's checks name the field and the bound, and restate the functions' rules exactly.
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/app-factory';
import {
  aiProblems,
  MAX_ENSEMBLE_MODELS,
  MAX_ENSEMBLE_TIMEOUT_MS,
  parseModelSpec,
  type AiConfig,
} from '../../infra/config/ai';
import { getStageConfig } from '../../infra/config/stages';
import * as functionsRules from '../../shared/platform/ensemble-config';
import { builtApp, grants, logicalId, PROJECT_ROOT, roleStatements, TEST_ALARM_EMAIL, testApp } from './support';

jest.setTimeout(120_000);

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PROFILE = 'eu.anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-micro-v1:0';
const AI: AiConfig = {
  ensembleModels: [`bedrock:${HAIKU}`, `bedrock:${PROFILE}`],
  ensembleTimeoutMs: 3_000,
  marketSummaryModel: `bedrock:${NOVA}`,
  dailyTokens: 50_000,
  prices: { [NOVA]: { input: '0.035', output: '0.14' } },
};
const MODEL_VARIABLES = /^(ENSEMBLE_|MARKET_SUMMARY_|LLM_|OPENAI_)/;

/** Fn::Join with the partition as `aws` and the region/account refs named, as text */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (v.Ref) return v.Ref === 'AWS::Partition' ? 'aws' : `<${v.Ref}>`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(text).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
};

const withAi = (() => {
  let app: ReturnType<typeof buildApp> | undefined;
  return () =>
    (app ??= buildApp('prod', testApp(), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
      ai: AI,
    }));
})();

function bedrockOf(built: ReturnType<typeof buildApp>, role: IConstruct & { node: IConstruct['node'] }): string[] {
  const statements = roleStatements(Template.fromStack(built.stateless), built.stateless, role as never);
  return grants(statements)
    .filter((g) => g.action.startsWith('bedrock:'))
    .map((g) => `${g.action} ${text(g.resource)}`)
    .sort();
}

function environmentOf(built: ReturnType<typeof buildApp>, fn: IConstruct): Record<string, unknown> {
  const resources = Template.fromStack(built.stateless).toJSON().Resources as Record<
    string,
    { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
  >;
  return resources[logicalId(built.stateless, fn.node.defaultChild)]?.Properties.Environment?.Variables ?? {};
}

describe('no ai block (the default stages)', () => {
  it('has no Bedrock statement on any role and no model variable on any function', () => {
    const built = builtApp('prod');
    const template = Template.fromStack(built.stateless).toJSON() as { Resources: Record<string, unknown> };
    expect(JSON.stringify(template.Resources)).not.toContain('bedrock:');
    for (const fn of [built.stateless.executor.fn, built.stateless.report.fn])
      expect(Object.keys(environmentOf(built, fn)).filter((k) => MODEL_VARIABLES.test(k))).toEqual([]);
    expect(getStageConfig('dev').ai).toBeUndefined();
    expect(getStageConfig('prod').ai).toBeUndefined();
  });
});

describe('an ai block with Bedrock models', () => {
  it("puts the voting models on the executor and the summary's model on the report, with the shared LLM_* settings", () => {
    const built = withAi();
    const executor = environmentOf(built, built.stateless.executor.fn);
    expect(executor).toMatchObject({
      ENSEMBLE_MODELS: `bedrock:${HAIKU},bedrock:${PROFILE}`,
      ENSEMBLE_TIMEOUT_MS: '3000',
      LLM_DAILY_TOKENS: '50000',
      LLM_PRICES: JSON.stringify(AI.prices),
    });
    expect(executor).not.toHaveProperty('MARKET_SUMMARY_MODEL');
    const report = environmentOf(built, built.stateless.report.fn);
    expect(report).toMatchObject({ MARKET_SUMMARY_MODEL: `bedrock:${NOVA}`, LLM_DAILY_TOKENS: '50000' });
    expect(report).not.toHaveProperty('ENSEMBLE_MODELS');
    // no key anywhere: Bedrock is authorised by the role
    expect(JSON.stringify([executor, report])).not.toMatch(/OPENAI_API_KEY/);
  });

  it('grants bedrock:InvokeModel on exactly each role its own models, and no other role any', () => {
    const built = withAi();
    expect(bedrockOf(built, built.stateless.executor.role)).toEqual(
      [
        `bedrock:InvokeModel arn:aws:bedrock:<AWS::Region>::foundation-model/${HAIKU}`,
        `bedrock:InvokeModel arn:aws:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/${PROFILE}`,
        `bedrock:InvokeModel arn:aws:bedrock:*::foundation-model/${HAIKU}`,
      ].sort(),
    );
    expect(bedrockOf(built, built.stateless.report.role)).toEqual([
      `bedrock:InvokeModel arn:aws:bedrock:<AWS::Region>::foundation-model/${NOVA}`,
    ]);
    for (const fn of [
      built.stateless.webhook,
      built.stateless.paperTick,
      built.stateless.riskCheck,
      built.stateless.strategyRunner,
      built.stateless.notifier,
    ])
      expect(bedrockOf(built, fn.role)).toEqual([]);
  });

  it('leaves cdk-nag with nothing to report in the stateless stack', () => {
    const built = withAi();
    built.app.synth();
    const findings = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(built.stateless).violations;
    expect(
      findings.map((f) => `${f.ruleName} @ ${f.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });
});

describe('the ai block checks', () => {
  it('accepts the example and refuses each bad field, naming it and its bound', () => {
    expect(aiProblems(AI)).toEqual([]);
    expect(aiProblems({ ensembleModels: ['gpt-4o-mini'] })).toEqual([
      'ai.ensembleModels: "gpt-4o-mini" must be provider:model with provider bedrock or openai',
    ]);
    expect(aiProblems({ ensembleModels: Array.from({ length: 8 }, (_, i) => `bedrock:m${i}`) })).toEqual([
      'ai.ensembleModels: at most 7 models',
    ]);
    expect(aiProblems({ ensembleModels: ['bedrock:a', 'bedrock:a'] })).toEqual([
      'ai.ensembleModels: a model is listed twice (one model, one vote)',
    ]);
    expect(aiProblems({ ensembleModels: [], ensembleTimeoutMs: 20_000 })).toEqual([
      'ai.ensembleTimeoutMs must be an integer 100..10000',
    ]);
    expect(aiProblems({ ensembleModels: [], marketSummaryModel: 'bedrock:' })).toEqual([
      'ai.marketSummaryModel: "bedrock:": the model id must be 1-128 of A-Z a-z 0-9 . _ : / -',
    ]);
    expect(aiProblems({ ensembleModels: [], dailyTokens: -1 })).toEqual(['ai.dailyTokens must be an integer >= 0']);
    expect(aiProblems({ ensembleModels: 'bedrock:a' } as unknown as AiConfig)).toEqual([
      'ai.ensembleModels must be a list of "provider:model" strings (may be empty)',
    ]);
  });

  it('refuses an openai: model without a keyless endpoint (the stack carries no OpenAI key)', () => {
    expect(aiProblems({ ensembleModels: ['openai:gpt-4o-mini'] })).toEqual([
      expect.stringContaining('an openai: model needs ai.openAiBaseUrl'),
    ]);
    expect(aiProblems({ ensembleModels: ['openai:llama3.1:8b'], openAiBaseUrl: 'http://10.0.0.5:8000/v1' })).toEqual(
      [],
    );
  });

  it('fails the synth with the problem named', () => {
    expect(() => getStageConfig('dev', { ai: { ensembleModels: ['bedrock:a'], ensembleTimeoutMs: 50 } })).toThrow(
      /ai\.ensembleTimeoutMs must be an integer 100\.\.10000/,
    );
  });

  it("restates the functions' own rules (shared/platform/ensemble-config.ts) exactly", () => {
    expect(MAX_ENSEMBLE_MODELS).toBe(functionsRules.MAX_ENSEMBLE_MODELS);
    expect(MAX_ENSEMBLE_TIMEOUT_MS).toBe(functionsRules.MAX_ENSEMBLE_TIMEOUT_MS);
    for (const entry of [
      'bedrock:amazon.nova-micro-v1:0',
      'openai:llama3.1:8b',
      'azure:x',
      'bedrock:',
      'x',
      'openai:a b',
    ])
      expect([entry, parseModelSpec(entry)]).toEqual([
        entry,
        ((s) => (typeof s === 'string' ? s : { provider: s.provider, model: s.model }))(
          functionsRules.parseModelSpec(entry),
        ),
      ]);
  });
});
