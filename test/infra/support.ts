// Shared set-up for the infra tests: the app exactly as `cdk synth` builds it (same feature flags
// from cdk.json), minus asset bundling so the tests stay fast and never run esbuild.
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildApp, findProjectRoot, type BuiltApp } from '../../infra/app-factory';
import type { Stage } from '../../shared/platform/resource-names';

export const PROJECT_ROOT = findProjectRoot();
export const CDK_CONTEXT: Record<string, unknown> = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
export const TEST_ALARM_EMAIL = 'alarms@tvat.test';
export const TEST_NOTIFY_EMAIL = 'notify@tvat.test';
/** a private chat and a group (negative id) */
export const TEST_TELEGRAM_CHAT_IDS = ['123456789', '-1001234567890'] as const;
export const TEST_TELEGRAM_USER_IDS = ['123456789'] as const;

/** An App with cdk.json's context and bundling switched off for every stack. */
export function testApp(extraContext: Record<string, unknown> = {}): App {
  return new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...extraContext } });
}

const built = new Map<string, BuiltApp>();
/**
 * One app per stage per test file; env-agnostic (no CDK_DEFAULT_ACCOUNT/REGION). Every channel on
 * (Telegram chats, Discord, a notification e-mail), so the bot route and the alarm relay exist.
 */
export function builtApp(stage: Stage): BuiltApp {
  return cached(`${stage}:full`, () =>
    buildApp(stage, testApp(), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
      telegramChatIds: [...TEST_TELEGRAM_CHAT_IDS],
      telegramUserIds: [...TEST_TELEGRAM_USER_IDS],
      notifyEmail: TEST_NOTIFY_EMAIL,
      discord: true,
    }),
  );
}

/** The stage as its config file has it: no Telegram chats, no Discord, no notification e-mail. */
export function bareApp(stage: Stage): BuiltApp {
  return cached(`${stage}:bare`, () =>
    buildApp(stage, testApp(), { env: {}, alarmEmail: TEST_ALARM_EMAIL, projectRoot: PROJECT_ROOT }),
  );
}

function cached(key: string, make: () => BuiltApp): BuiltApp {
  let result = built.get(key);
  if (!result) {
    result = make();
    built.set(key, result);
  }
  return result;
}

export function logicalId(stack: Stack, element: unknown): string {
  return stack.getLogicalId(element as CfnElement);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every identity-policy statement attached to a role (its inline policies included). */
export function roleStatements(template: Template, stack: Stack, role: IRole): Statement[] {
  const roleId = logicalId(stack, role.node.defaultChild);
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } } }
  >;
  const attached = Object.values(policies).filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId));
  const roles = template.findResources('AWS::IAM::Role') as Record<
    string,
    { Properties: { Policies?: { PolicyDocument: { Statement: Statement[] } }[] } }
  >;
  const inline = roles[roleId]?.Properties.Policies ?? [];
  return [
    ...attached.flatMap((p) => p.Properties.PolicyDocument.Statement),
    ...inline.flatMap((p) => p.PolicyDocument.Statement),
  ];
}

export interface Grant {
  action: string;
  /** the resource as synthesized (a string or an intrinsic) */
  resource: unknown;
  condition?: Statement['Condition'];
}

/** Statements flattened to one (action, resource) pair each, Allow only. */
export function grants(statements: Statement[]): Grant[] {
  const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) =>
      list(s.Action).flatMap((action) =>
        list(s.Resource).map((resource) => ({ action, resource, ...(s.Condition ? { condition: s.Condition } : {}) })),
      ),
    );
}

/** True when a synthesized value points at the resource with this logical id (same stack or cross-stack). */
export function refersTo(value: unknown, resourceLogicalId: string): boolean {
  return JSON.stringify(value).includes(resourceLogicalId);
}
