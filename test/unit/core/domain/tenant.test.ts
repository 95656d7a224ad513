import {
  accountIdFor,
  can,
  FIRST_TENANT_ID,
  isTenantKey,
  newTenantId,
  tenantGroup,
  tenantOfAccount,
  tenantOfGroup,
} from '../../../../shared/core/domain/tenant';

const hex = (n: number) => 'a1'.repeat(n).slice(0, n);

describe('tenant ids', () => {
  it('an account made before tenancy (acc-<hex>) is the first tenant’s, with no key rewritten', () => {
    expect(tenantOfAccount('acc-0123456789ab')).toBe(FIRST_TENANT_ID);
  });

  it('a new account id carries its tenant and reads back to it', () => {
    const tenant = newTenantId(hex);
    expect(tenant).toBe('ta1a1a1a1a1');
    const account = accountIdFor(tenant, hex);
    expect(account).toBe('ta1a1a1a1a1-a1a1a1a1a1a1');
    expect(tenantOfAccount(account)).toBe(tenant);
  });

  it.each(['acc', 'nodash', '-acc', 'tXYZ-1', 'tabc-1', 'T0123456789-1', 'acc_1-2'])('%p belongs to nobody', (id) => {
    expect(tenantOfAccount(id)).toBeUndefined();
  });

  it('a key is the tenant’s only when it is the tenant or starts with "<tenant>-"', () => {
    expect(isTenantKey('acc', 'acc')).toBe(true);
    expect(isTenantKey('acc', 'acc-1')).toBe(true);
    expect(isTenantKey('acc', 'accx-1')).toBe(false);
    expect(isTenantKey('t0123456789', 't01234567890-1')).toBe(false);
    expect(isTenantKey('t0123456789', 'acc-1')).toBe(false);
  });

  it('tenant groups round-trip; other groups name no tenant', () => {
    expect(tenantOfGroup(tenantGroup('t0123456789'))).toBe('t0123456789');
    expect(tenantOfGroup('owner')).toBeUndefined();
    expect(tenantOfGroup('tenant-evil')).toBeUndefined();
  });
});

describe('roles', () => {
  it('owner does all of the tenant, trader no keys or users, viewer reads, admin no tenant data', () => {
    expect(['read', 'trade', 'configure', 'keys', 'users'].every((c) => can('owner', c as never))).toBe(true);
    expect(can('trader', 'trade') && can('trader', 'configure')).toBe(true);
    expect(can('trader', 'keys') || can('trader', 'users')).toBe(false);
    expect(can('viewer', 'read')).toBe(true);
    expect(can('viewer', 'trade') || can('viewer', 'configure')).toBe(false);
    expect(can('admin', 'read') || can('admin', 'trade')).toBe(false);
    expect(can('admin', 'admin')).toBe(true);
  });
});
