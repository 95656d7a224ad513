// The alert log: one item per webhook call for a known account (accepted, duplicate or refused),
// sort key `<receivedAt, 13 digits>#<requestId>` so a Query reads an account's calls in time order
// and a time range is a key range. Items expire after 30 days (DynamoDB TTL, `ttl` in epoch seconds).
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidArgumentError } from '../../core/errors';
import type { AlertLog, AlertLogPage, AlertRecord } from '../../core/ports/repositories';
import type { DynamoTableAccess } from './table-access';

export const ALERT_RETENTION_MS = 30 * 86_400_000;

/** `<receivedAt, 13 digits>#<requestId>`: lexical order is time order until the year 2286. */
export const alertKey = (receivedAt: number, requestId: string): string =>
  `${String(receivedAt).padStart(13, '0')}#${requestId}`;

const KEY = /^\d{13}#[\x21-\x7e]{1,200}$/;
// '$' sorts right after '#': every key of the millisecond `to` is below `<to>$`.
const upperBound = (to: number): string => `${String(to).padStart(13, '0')}$`;

/**
 * The webhook's side: it only writes (its role gets PutItem on the table, no read), and its bundle
 * carries no query code.
 */
export class DynamoAlertRecorder implements Pick<AlertLog, 'record'> {
  static readonly tableAccess: DynamoTableAccess = { table: 'alerts', actions: ['dynamodb:PutItem'] };

  /**
   * `onError` hears a failed write (the webhook logs it): the record is the owner's view of a call,
   * never a reason to fail or delay the call's answer.
   */
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly table: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async record(alert: AlertRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...alert, ttl: Math.floor((alert.receivedAt + ALERT_RETENTION_MS) / 1000) },
        }),
      );
    } catch (error) {
      this.onError(error);
    }
  }
}

/** Records and lists (the console API, alert test). */
export class DynamoAlertLog extends DynamoAlertRecorder implements AlertLog {
  static override readonly tableAccess: DynamoTableAccess = {
    table: 'alerts',
    actions: ['dynamodb:PutItem', 'dynamodb:Query'],
  };

  async list(
    accountId: string,
    query: { from?: number; to?: number; limit: number; cursor?: string },
  ): Promise<AlertLogPage> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000)
      throw new InvalidArgumentError('limit must be an integer 1..1000');
    const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const from = query.from ?? 0;
    const to = query.to ?? 9_999_999_999_999;
    if (from > to) return { items: [] };
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'accountId = :a AND alertKey BETWEEN :lo AND :hi',
        ExpressionAttributeValues: {
          ':a': accountId,
          ':lo': String(from).padStart(13, '0'),
          ':hi': upperBound(to),
        },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(start ? { ExclusiveStartKey: { accountId, alertKey: start } } : {}),
      }),
    );
    const items = (out.Items ?? []).map((item) => {
      const { ttl: _ttl, ...alert } = item as AlertRecord & { ttl?: number };
      return alert;
    });
    const last = out.LastEvaluatedKey?.alertKey;
    return typeof last === 'string' ? { items, nextCursor: encodeCursor(last) } : { items };
  }
}

const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const key = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!KEY.test(key)) throw new InvalidArgumentError('cursor is not one this API gave (pass nextCursor back as is)');
  return key;
}
