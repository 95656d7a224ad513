// The tenant data role's sessions, kept per tenant: one AssumeRole per tenant while its credentials
// have more than REFRESH_MARGIN_MS left, one call for concurrent first requests, a new one near
// expiry, a failure not kept, and a tenant id checked before it becomes a session tag.
import {
  assumedRoleCredentials,
  assumedTenantCredentials,
  type AssumeRole,
  REFRESH_MARGIN_MS,
  SESSION_SECONDS,
  type AssumeTenantRole,
} from '../../../../shared/adapters/sts/tenant-credentials';
import { InvalidArgumentError } from '../../../../shared/core/errors';

const ROLE = 'arn:aws:iam::111122223333:role/tenant-data';

function setup() {
  let now = 1_000_000;
  const calls: Parameters<AssumeTenantRole>[0][] = [];
  let fail = false;
  const assume: AssumeTenantRole = async (input) => {
    calls.push(input);
    await new Promise((resolve) => setImmediate(resolve));
    if (fail) throw new Error('sts down');
    return {
      accessKeyId: `AK-${input.tenantId}-${calls.length}`,
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: new Date(now + input.durationSeconds * 1000),
    };
  };
  const credentials = assumedTenantCredentials(assume, ROLE, { now: () => now });
  return {
    credentials,
    calls,
    advance: (ms: number) => (now += ms),
    failing: (on: boolean) => (fail = on),
  };
}

test('one session per tenant, tagged with it, reused while valid; concurrent first requests share it', async () => {
  const { credentials, calls } = setup();
  const a = credentials('t0123456789')!;
  const [x, y] = await Promise.all([a(), a()]);
  expect(x).toBe(y);
  expect(await credentials('t0123456789')!()).toBe(x);
  expect(calls).toEqual([
    { roleArn: ROLE, sessionName: 'tenant-t0123456789', tenantId: 't0123456789', durationSeconds: SESSION_SECONDS },
  ]);
  const b = await credentials('acc')!();
  expect(b.accessKeyId).toBe('AK-acc-2');
  expect(calls.map((c) => c.tenantId)).toEqual(['t0123456789', 'acc']);
});

test('renewed once the session is within the margin of its expiry', async () => {
  const { credentials, calls, advance } = setup();
  const first = await credentials('acc')!();
  advance(SESSION_SECONDS * 1000 - REFRESH_MARGIN_MS - 1);
  expect(await credentials('acc')!()).toBe(first);
  advance(2);
  const second = await credentials('acc')!();
  expect(second).not.toBe(first);
  expect(calls).toHaveLength(2);
});

test('a failed AssumeRole is not kept: the next request tries again', async () => {
  const { credentials, calls, failing } = setup();
  failing(true);
  await expect(credentials('acc')!()).rejects.toThrow('sts down');
  failing(false);
  await expect(credentials('acc')!()).resolves.toMatchObject({ accessKeyId: 'AK-acc-2' });
  expect(calls).toHaveLength(2);
});

test('a value that is not a tenant id never becomes a session tag', () => {
  const { credentials, calls } = setup();
  for (const bad of ['', 'acc-1', 't*', 'T0123456789', 't0123456789-x', '*'])
    expect(() => credentials(bad)).toThrow(InvalidArgumentError);
  expect(calls).toEqual([]);
});

describe("the admin data role's session (one role, no tenant, no tag)", () => {
  it('is assumed once while valid, without a session tag; renewed near expiry; a failure not kept', async () => {
    let now = 1_000_000;
    let fail = false;
    const calls: Parameters<AssumeRole>[0][] = [];
    const assume: AssumeRole = async (input) => {
      calls.push(input);
      await new Promise((resolve) => setImmediate(resolve));
      if (fail) throw new Error('sts down');
      return {
        accessKeyId: `AK-${calls.length}`,
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: new Date(now + input.durationSeconds * 1000),
      };
    };
    const provider = assumedRoleCredentials(assume, ROLE, 'deployment-admin', { now: () => now });
    const [a, b] = await Promise.all([provider(), provider()]);
    expect([a.accessKeyId, b.accessKeyId]).toEqual(['AK-1', 'AK-1']);
    expect(calls).toEqual([{ roleArn: ROLE, sessionName: 'deployment-admin', durationSeconds: SESSION_SECONDS }]);
    now += SESSION_SECONDS * 1000 - REFRESH_MARGIN_MS - 1;
    expect((await provider()).accessKeyId).toBe('AK-1');
    now += 2;
    fail = true;
    await expect(provider()).rejects.toThrow('sts down');
    fail = false;
    expect((await provider()).accessKeyId).toBe('AK-3');
  });
});
