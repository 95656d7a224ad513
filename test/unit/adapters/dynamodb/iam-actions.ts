// The IAM actions a low-level DynamoDB command needs, per table (and index, for a query on one).
// Transactions have no IAM action of their own: each item is authorised as its PutItem,
// UpdateItem, DeleteItem, ConditionCheckItem or GetItem
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
import type { DynamoIamAction } from '../../../../shared/adapters/dynamodb/table-access';

export interface SentCommand {
  /** the client command's name, e.g. GetItemCommand */
  name: string;
  input: Record<string, unknown>;
}

export interface Needed {
  action: DynamoIamAction;
  table: unknown;
  index?: unknown;
}

const SINGLE: Record<string, DynamoIamAction> = {
  GetItemCommand: 'dynamodb:GetItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
};

const TRANSACT_WRITE: Record<string, DynamoIamAction> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Throws on a command it does not know, so a new kind of call cannot pass unmapped. */
export function iamActionsOf(command: SentCommand): Needed[] {
  const { name, input } = command;
  const single = SINGLE[name];
  if (single)
    return [
      { action: single, table: input.TableName, ...(input.IndexName === undefined ? {} : { index: input.IndexName }) },
    ];
  if (name === 'BatchGetItemCommand')
    return Object.keys(input.RequestItems as object).map((table) => ({ action: 'dynamodb:BatchGetItem', table }));
  if (name === 'BatchWriteItemCommand')
    return Object.keys(input.RequestItems as object).map((table) => ({ action: 'dynamodb:BatchWriteItem', table }));
  if (name === 'TransactGetItemsCommand') {
    return (input.TransactItems as { Get: { TableName: string } }[]).map((item) => ({
      action: 'dynamodb:GetItem',
      table: item.Get.TableName,
    }));
  }
  if (name === 'TransactWriteItemsCommand') {
    return (input.TransactItems as Record<string, { TableName: string }>[]).map((item) => {
      const [kind, body] = Object.entries(item)[0] as [string, { TableName: string }];
      const action = TRANSACT_WRITE[kind];
      if (!action) throw new Error(`unknown transaction item ${kind}`);
      return { action, table: body.TableName };
    });
  }
  throw new Error(`no IAM mapping for ${name}: add it to test/unit/adapters/dynamodb/iam-actions.ts`);
}
