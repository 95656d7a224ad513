import { Stack } from 'aws-cdk-lib';
import { buildApp } from '../../infra/app-factory';
import { stackName } from '../../shared/platform/resource-names';
import { builtApp, PROJECT_ROOT, TEST_ALARM_EMAIL, testApp } from './support';

describe('CDK app', () => {
  it.each(['dev', 'prod'] as const)(
    'builds the stateful, stateless and monitoring stacks of %s with their names',
    (stage) => {
      const { app } = builtApp(stage);
      const names = app.node.children
        .filter((c): c is Stack => Stack.isStack(c))
        .map((s) => s.stackName)
        .sort();

      expect(names).toEqual(
        [stackName(stage, 'monitoring'), stackName(stage, 'stateful'), stackName(stage, 'stateless')].sort(),
      );
    },
  );

  it('synthesizes environment-agnostic stacks without CDK_DEFAULT_ACCOUNT/REGION', () => {
    const { stateful, stateless, monitoring } = builtApp('dev');
    for (const s of [stateful, stateless, monitoring])
      expect(s.environment).toBe('aws://unknown-account/unknown-region');
  });

  it('pins account and region when CDK_DEFAULT_ACCOUNT/REGION are set', () => {
    const { stateless } = buildApp('dev', testApp(), {
      env: { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-central-1' },
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
    });
    expect(stateless.environment).toBe('aws://123456789012/eu-central-1');
  });

  it('takes the alarm e-mail from the alarmEmail context', () => {
    const { config } = buildApp('prod', testApp({ alarmEmail: 'ops@example.org' }), {
      env: {},
      projectRoot: PROJECT_ROOT,
    });
    expect(config.alarmEmail).toBe('ops@example.org');
  });

  it('takes the Telegram chats, the notification e-mail and Discord from the context', () => {
    const { config } = buildApp(
      'prod',
      testApp({ telegramChatIds: '123, -456', telegramUserIds: '123', notifyEmail: 'me@example.org', discord: 'true' }),
      { env: {}, alarmEmail: TEST_ALARM_EMAIL, projectRoot: PROJECT_ROOT },
    );
    expect(config.telegram.chatIds).toEqual(['123', '-456']);
    expect(config.telegram.userIds).toEqual(['123']);
    expect(config.notify).toMatchObject({ email: 'me@example.org', discord: true });
  });

  it('keeps Telegram, Discord and the notification e-mail off without that context', () => {
    const { config, stateless, monitoring } = buildApp('prod', testApp({ discord: 'false' }), {
      env: {},
      alarmEmail: TEST_ALARM_EMAIL,
      projectRoot: PROJECT_ROOT,
    });
    expect(config.telegram.chatIds).toEqual([]);
    expect(config.notify.discord).toBe(false);
    expect(config.notify.email).toBeUndefined();
    expect(stateless.telegramBot).toBeUndefined();
    expect(monitoring.alarmRelay).toBeUndefined();
  });

  it('deploys the stateless and monitoring stacks after the stateful one', () => {
    const { app, stateful, stateless, monitoring } = builtApp('prod');
    app.synth(); // cross-stack references become stack dependencies during synthesis
    expect(stateless.dependencies).toContain(stateful);
    expect(monitoring.dependencies).toEqual(expect.arrayContaining([stateful, stateless]));
  });

  it('turns termination protection on for the prod stateful stack only', () => {
    expect(builtApp('prod').stateful.terminationProtection).toBe(true);
    expect(builtApp('dev').stateful.terminationProtection).toBe(false);
    expect(builtApp('prod').stateless.terminationProtection).toBe(false);
  });
});
