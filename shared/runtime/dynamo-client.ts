// The document client alone, apart from the repositories: a function that imports it from here
// (the webhook) bundles none of the repositories' modules, big.js included.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../adapters/dynamodb/document-client';

export interface DynamoTarget {
  stage: string;
  region: string;
  endpoint?: string | undefined;
}

export function dynamoClient(target: DynamoTarget): DynamoDBDocumentClient {
  return createDocumentClient({ region: target.region, ...(target.endpoint ? { endpoint: target.endpoint } : {}) });
}
