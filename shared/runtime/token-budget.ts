// The models' daily token budget on the stage's risk table. Apart from the advisor's composition
// (advisor.ts) so that the executor makes it beside its other tables, outside the import() that
// loads the model providers when its entry gate is first used (entry-gate.ts says why that matters).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTokenBudget } from '../adapters/dynamodb/token-budget';
import type { TokenBudget } from '../core/ports/model';
import { tableName } from '../platform/resource-names';

/** The budget on the stage's risk table (DynamoTokenBudget: GetItem, UpdateItem). */
export const dynamoTokenBudget = (documentClient: DynamoDBDocumentClient, stage: string): TokenBudget =>
  new DynamoTokenBudget(documentClient, tableName(stage, 'risk'));
