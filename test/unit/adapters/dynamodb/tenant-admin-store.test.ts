// What the admin data role's attribute conditions will see: every low-level command the admin's
// repositories send (through the real document client, recorded and answered in process) names
// only the attributes ADMIN_ATTRIBUTES grants, every read projects and asks SPECIFIC_ATTRIBUTES
// where the API has Select, and a tenant's notification secrets or an account's keys are never
// asked for. IAM's rule written out: ForAllValues over the request's attribute names.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  DynamoAccountSlotReader,
  DynamoTenantAdminStore,
} from '../../../../shared/adapters/dynamodb/tenant-admin-store';
import { ADMIN_ATTRIBUTES } from '../../../../shared/platform/table-access';

interface Sent {
  name: string;
  input: Record<string, unknown>;
}

const ITEMS = [
  { tenantId: 'acc', itemKey: 'meta', plan: 'unlimited', createdAt: 1, ownerEmail: 'a@example.com' },
  { tenantId: 'acc', itemKey: 'member#u1', userId: 'u1', email: 'a@example.com', role: 'owner', addedAt: 1 },
  { tenantId: 'acc', itemKey: 'account#acc-000000000001' },
  { tenantId: 'email#a@example.com', itemKey: 'member', tenantRef: 'acc', userId: 'u1', email: 'a@example.com' },
];

function client(sent: Sent[]): DynamoDBDocumentClient {
  const raw = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  raw.middlewareStack.addRelativeTo(
    ((_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const name = context.commandName ?? '';
      sent.push({ name, input: args.input });
      const output =
        name === 'ScanCommand'
          ? { Items: ITEMS.map((i) => marshall(i)) }
          : name === 'GetItemCommand'
            ? { Item: marshall({ plan: 'free', signals: 3 }) }
            : name === 'BatchGetItemCommand'
              ? {
                  Responses: {
                    accounts: [marshall({ accountId: 'acc-000000000001', exchange: 'okx', status: 'active' })],
                  },
                }
              : {};
      return { output: { $metadata: {}, ...output }, response: {} };
    }) as never,
    { relation: 'after', toMiddleware: 'DocumentUnmarshall', name: 'record' },
  );
  return DynamoDBDocumentClient.from(raw);
}

/** The attribute names a request touches: its keys' and every name its expressions use. */
function attributesOf(input: Record<string, unknown>): string[] {
  const names = new Set<string>();
  const keys = [input.Key, ...((input.Keys as unknown[]) ?? [])].filter(Boolean) as Record<string, unknown>[];
  for (const key of keys) for (const k of Object.keys(key)) names.add(k);
  for (const n of Object.values((input.ExpressionAttributeNames as Record<string, string>) ?? {})) names.add(n);
  // an expression naming an attribute without a placeholder would escape this check: none may
  for (const field of ['ProjectionExpression', 'FilterExpression', 'UpdateExpression', 'ConditionExpression']) {
    const text = input[field];
    if (typeof text !== 'string') continue;
    const bare = text
      .replace(/#\w+|:\w+/g, '')
      .replace(/\b(AND|OR|NOT|SET|begins_with|list_append|if_not_exists|attribute_exists)\b/g, '')
      .match(/[A-Za-z_]\w*/g);
    expect({ field, bare }).toEqual({ field, bare: null });
  }
  return [...names];
}

describe('the admin store: only the attributes its role is granted', () => {
  it('tenants: reads project the read list with SPECIFIC_ATTRIBUTES, the plan write names plan and history only', async () => {
    const sent: Sent[] = [];
    const store = new DynamoTenantAdminStore(client(sent), 'tenants');
    const tenants = await store.everyTenant();
    await store.day('acc', Date.UTC(2026, 11, 7));
    const change = await store.setPlan('acc', { at: 5, by: 'admin@example.com', to: 'pro' });
    // behaviour: the pointer partition is no tenant; the meta, member and index item are acc's
    expect(tenants).toEqual([
      {
        tenantId: 'acc',
        record: { tenantId: 'acc', plan: 'unlimited', createdAt: 1, ownerEmail: 'a@example.com' },
        members: [{ tenantId: 'acc', userId: 'u1', email: 'a@example.com', role: 'owner', addedAt: 1 }],
        accountIds: ['acc-000000000001'],
      },
    ]);
    expect(change).toEqual({ at: 5, by: 'admin@example.com', from: 'free', to: 'pro' });
    expect(sent.map((s) => s.name)).toEqual(['ScanCommand', 'GetItemCommand', 'GetItemCommand', 'UpdateItemCommand']);
    for (const { name, input } of sent) {
      const write = name === 'UpdateItemCommand';
      const allowed = write ? ADMIN_ATTRIBUTES.tenants.write! : ADMIN_ATTRIBUTES.tenants.read;
      const used = attributesOf(input);
      expect({ name, beyond: used.filter((a) => !allowed.includes(a)) }).toEqual({ name, beyond: [] });
      if (!write) expect({ name, projects: typeof input.ProjectionExpression }).toEqual({ name, projects: 'string' });
      if (name === 'ScanCommand') expect(input.Select).toBe('SPECIFIC_ATTRIBUTES');
    }
  });

  it("accounts: BatchGetItem of the live-slot fields only, never the account's keys or settings", async () => {
    const sent: Sent[] = [];
    const found = await new DynamoAccountSlotReader(client(sent), 'accounts').slotFields([
      'acc-000000000001',
      'acc-000000000001',
      'acc-000000000002',
    ]);
    expect(found).toEqual([{ accountId: 'acc-000000000001', exchange: 'okx', status: 'active' }]);
    expect(sent).toHaveLength(1);
    const request = (sent[0]!.input.RequestItems as Record<string, Record<string, unknown>>).accounts!;
    expect((request.Keys as unknown[]).length).toBe(2);
    const used = attributesOf(request);
    expect(used.sort()).toEqual([...ADMIN_ATTRIBUTES.accounts.read].sort());
  });
});
