// Creates the stage's tables and queues on the stand-ins, from the same specs the CDK stacks use.
import {
  CreateTableCommand,
  ListTablesCommand,
  type DynamoDBClient,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  APP_PREFIX,
  signalDlqName,
  signalQueueName,
  tableName,
  TABLE_NAMES,
} from '../../shared/platform/resource-names';
import { TABLE_SPECS } from '../../shared/platform/tables';

export async function provisionTables(dynamo: DynamoDBClient, stage: string): Promise<void> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const out = await dynamo.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of out.TableNames ?? []) existing.add(name);
    start = out.LastEvaluatedTableName;
  } while (start);
  for (const table of TABLE_NAMES) {
    const name = tableName(stage, table);
    if (existing.has(name)) continue;
    const spec = TABLE_SPECS[table];
    const keys: KeySchemaElement[] = [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }];
    const attributes: AttributeDefinition[] = [{ AttributeName: spec.partitionKey, AttributeType: 'S' }];
    if (spec.sortKey) {
      keys.push({ AttributeName: spec.sortKey, KeyType: 'RANGE' });
      attributes.push({ AttributeName: spec.sortKey, AttributeType: 'S' });
    }
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
}

export interface QueueUrls {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
}

export async function provisionQueues(
  sqs: SQSClient,
  stage: string,
  options: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
): Promise<QueueUrls> {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: signalDlqName(stage), Attributes: { FifoQueue: 'true' } }),
  );
  const dlqUrl = dlq.QueueUrl as string;
  const arnOf = async (url: string) =>
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes
      ?.QueueArn as string;
  const dlqArn = await arnOf(dlqUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: signalQueueName(stage),
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: String(options.maxReceiveCount),
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl as string;
  return { queueUrl, queueArn: await arnOf(queueUrl), dlqUrl };
}

/**
 * The slice timer of sliced entries (docs/EXECUTION-ALGOS.md): a standard queue, as in the cloud.
 * fauxqs honours a standard queue's per-message DelaySeconds (and refuses it on FIFO queues, as SQS
 * does), so the local children wait exactly as the cloud's do; the local stack polls it into the
 * slice-timer handler.
 */
export async function provisionSliceTimer(
  sqs: SQSClient,
  stage: string,
): Promise<{ queueUrl: string; queueArn: string }> {
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${APP_PREFIX}-${stage}-slice-timer`,
      Attributes: { VisibilityTimeout: '30' },
    }),
  );
  const queueUrl = queue.QueueUrl as string;
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { queueUrl, queueArn: attributes.Attributes?.QueueArn as string };
}
