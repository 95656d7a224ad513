// A tenant's notification channels in the tenants table: partition `tenantId`, item `notify`
// (docs/TENANCY.md, Notifications). The notifier and the report job read it (GetItem only, their
// roles get nothing else on `tenants`); the CLI's `notify set` writes it.
//
// The Discord webhook URL is a secret (whoever holds it can post in the channel). It is stored as
// it is, not sealed with the key vault: the vault's envelope and the KMS key policy are bound to an
// exchange account ({tenantId, accountId}), and giving the notifier kms:Decrypt would put the
// exchange keys' key within its reach. It is protected like the table (encrypted at rest, readable
// by the notifier, report and CLI roles only) and never logged, returned or printed whole.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantNotifySettingsReader } from '../../core/notify/ports';
import type { TenantNotifySettings } from '../../core/notify/tenant-settings';
import type { QuietHours } from '../../core/notify/config';
import type { DynamoTableAccess } from './table-access';

const ITEM_KEY = 'notify';

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

function settingsOf(item: Record<string, unknown>): TenantNotifySettings {
  const quiet = item.quietHours as QuietHours | undefined;
  return {
    telegramChatIds: strings(item.telegramChatIds),
    emails: strings(item.emails),
    ...(typeof item.discordWebhookUrl === 'string' && item.discordWebhookUrl
      ? { discordWebhookUrl: item.discordWebhookUrl }
      : {}),
    ...(quiet && typeof quiet.start === 'string' ? { quietHours: quiet } : {}),
    updatedAt: Number(item.updatedAt ?? 0),
  };
}

export class DynamoTenantNotifySettings implements TenantNotifySettingsReader {
  static readonly tableAccess: DynamoTableAccess = { table: 'tenants', actions: ['dynamodb:GetItem'] };

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
  ) {}

  async get(tenantId: string): Promise<TenantNotifySettings | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { tenantId, itemKey: ITEM_KEY } }));
    return out.Item ? settingsOf(out.Item) : undefined;
  }
}

/** The CLI's: reads and replaces a tenant's settings (validated by validateTenantNotifySettings first). */
export class DynamoTenantNotifySettingsStore extends DynamoTenantNotifySettings {
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'tenants',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  };

  async put(tenantId: string, settings: TenantNotifySettings): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { tenantId, itemKey: ITEM_KEY, ...settings },
      }),
    );
  }
}
