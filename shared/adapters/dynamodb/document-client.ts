// One DynamoDB document client per process, built at module scope by the composition roots.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalConflictError } from '../../core/errors';

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Builds `SET a = :a, b = :b` with name placeholders, skipping undefined values. */
export function setExpression(patch: Record<string, unknown>): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  let i = 0;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    names[`#f${i}`] = key;
    values[`:v${i}`] = value;
    parts.push(`#f${i} = :v${i}`);
    i++;
  }
  return {
    UpdateExpression: `SET ${parts.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Puts an item under optimistic locking: created only if absent (expectedVersion 0), else only if
 * its stored `version` is still the one read. A lost condition becomes ConditionalConflictError.
 */
export async function putVersioned(
  db: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  sortKey: string,
  expectedVersion: number,
  what: string,
): Promise<void> {
  try {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ...(expectedVersion === 0
          ? { ConditionExpression: `attribute_not_exists(${sortKey})` }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
  } catch (error) {
    if (isConditionFailure(error))
      throw new ConditionalConflictError(`${what} changed since version ${expectedVersion}`);
    throw error;
  }
}
