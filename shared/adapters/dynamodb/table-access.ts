// What each DynamoDB repository declares about itself: the one table it works on and every IAM
// action its methods need there. The declarations are checked against the commands the methods
// really send (test/unit/adapters/dynamodb/table-access.test.ts), and the function roles are
// granted their union from shared/platform/table-access.ts, which a test holds equal to these.

/**
 * The IAM actions of DynamoDB's item and query APIs. Transactions have no action of their own:
 * IAM checks each item's PutItem, UpdateItem, DeleteItem, GetItem or ConditionCheckItem
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 */
export type DynamoIamAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

export interface DynamoTableAccess {
  /** the table's logical name (shared/platform/resource-names.ts TableName) */
  readonly table: string;
  readonly actions: readonly DynamoIamAction[];
}
