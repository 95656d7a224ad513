// The tenant data role as synthesized (docs/TENANCY.md "Isolation at the data layer"): trusted by
// the console API function's role alone, for AssumeRole with the session tag `tenant` shaped like
// a tenant id and no other tag; the function's role may assume it and tag the session; the
// function is told its ARN; Scan and PartiQL denied. Its DynamoDB grants and their LeadingKeys
// condition are held to the code in table-grants.test.ts.
import { Template } from 'aws-cdk-lib/assertions';
import { TENANT_ID } from '../../shared/core/domain/tenant';
import { TENANT_TAG_FORBIDDEN, TENANT_TAG_PATTERNS } from '../../infra/constructs/tenant-data-role';
import { builtApp, grants, logicalId, roleStatements, type Statement } from './support';

/** IAM's StringLike: `*` any run, `?` exactly one character. */
const stringLike = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(value);

describe.each(['prod', 'dev'] as const)('%s: the tenant data role', (stage) => {
  const { stateless } = builtApp(stage);
  const template = Template.fromStack(stateless);
  const roleId = logicalId(stateless, stateless.tenantDataRole.role.node.defaultChild);
  const fnRoleId = logicalId(stateless, stateless.consoleApiFunction.role.node.defaultChild);
  const role = (template.findResources('AWS::IAM::Role') as Record<string, { Properties: Record<string, unknown> }>)[
    roleId
  ]!;
  const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

  it("trusts only the console API function's role, for AssumeRole and TagSession with one tenant tag", () => {
    expect(trust).toHaveLength(1);
    const [statement] = trust as [Statement & { Principal: { AWS: unknown } }];
    expect(statement.Effect).toBe('Allow');
    expect([statement.Action].flat().sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(JSON.stringify(statement.Principal.AWS)).toContain(fnRoleId);
    expect(statement.Condition).toEqual({
      Null: { 'aws:RequestTag/tenant': 'false' },
      StringLike: { 'aws:RequestTag/tenant': [...TENANT_TAG_PATTERNS] },
      StringNotLike: { 'aws:RequestTag/tenant': [...TENANT_TAG_FORBIDDEN] },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant'] },
    });
    expect(role.Properties.MaxSessionDuration).toBe(3600);
  });

  it('the tag patterns let every tenant id through and nothing that could widen the LeadingKeys condition', () => {
    const ids = ['acc', 't0123456789', 'tabcdefabcd'];
    for (const id of ids) {
      expect(TENANT_ID.test(id)).toBe(true);
      expect(TENANT_TAG_PATTERNS.some((p) => stringLike(p, id))).toBe(true);
    }
    // a tag value with a wildcard or a dash would make `${aws:PrincipalTag/tenant}-*` match
    // another tenant's keys; the patterns admit neither a shorter nor a longer value, nor `*`
    // alone (a `t` id of ten characters is the most they let through: see the note in docs/TENANCY.md)
    for (const bad of ['', 'a', 'ac', 'acc-', 'acc*', '*', 't012345678', 't01234567890', 'x0123456789'])
      expect({ bad, ok: TENANT_TAG_PATTERNS.some((p) => stringLike(p, bad)) }).toEqual({ bad, ok: false });
    // ten characters after `t`, but one of them a dash or a wildcard: the StringNotLike refuses it
    // (IAM's `${*}` and `${?}` are the literal characters)
    const literal = (p: string) => p.replace(/\$\{\*\}/g, '\u0001').replace(/\$\{\?\}/g, '\u0002');
    const notLike = (value: string) =>
      TENANT_TAG_FORBIDDEN.some((p) => stringLike(literal(p), value.replace(/\*/g, '\u0001').replace(/\?/g, '\u0002')));
    for (const bad of ['t01234-6789', 't*********', 't012345678?', 'tabc-*?defg'])
      expect({ bad, passes: TENANT_TAG_PATTERNS.some((p) => stringLike(p, bad)) && !notLike(bad) }).toEqual({
        bad,
        passes: false,
      });
    for (const id of ids) expect({ id, refused: notLike(id) }).toEqual({ id, refused: false });
  });

  it('the function role may assume and tag it, and holds no DynamoDB grant of its own', () => {
    const fnGrants = grants(roleStatements(template, stateless, stateless.consoleApiFunction.role));
    // (its other sts:AssumeRole is the admin data role's: test/infra/admin-data-role.test.ts)
    const sts = fnGrants.filter((g) => g.action.startsWith('sts:') && JSON.stringify(g.resource).includes(roleId));
    expect(sts.map((g) => g.action).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    for (const g of sts) expect(JSON.stringify(g.resource)).toContain(roleId);
    expect(fnGrants.filter((g) => g.action.startsWith('dynamodb:'))).toEqual([]);
  });

  it('the function is told the role to assume', () => {
    const fnId = logicalId(stateless, stateless.consoleApiFunction.fn.node.defaultChild);
    const fn = (
      template.findResources('AWS::Lambda::Function') as Record<string, { Properties: Record<string, unknown> }>
    )[fnId]!;
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(variables.TENANT_DATA_ROLE_ARN)).toContain(roleId);
  });

  it('denies Scan and PartiQL on every table it is granted', () => {
    const denies = roleStatements(template, stateless, stateless.tenantDataRole.role).filter(
      (s) => s.Effect === 'Deny',
    );
    expect(denies).toHaveLength(1);
    expect([denies[0]!.Action].flat()).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:PartiQLSelect']));
    const allowed = new Set(
      grants(roleStatements(template, stateless, stateless.tenantDataRole.role)).map((g) => JSON.stringify(g.resource)),
    );
    expect(new Set([denies[0]!.Resource].flat().map((r) => JSON.stringify(r)))).toEqual(allowed);
  });
});
