// PLACEHOLDER (cdk lane): the `api` lane writes the real console API handler; the lead replaces this
// file with theirs at merge. It exists so the stack has an entry to bundle and synthesizes without
// it: every request is answered 501 in the contract's error shape, reading nothing and writing nothing.
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { json } from '../../shared/platform/http';

export const handler = async (): Promise<APIGatewayProxyResultV2> =>
  json(501, { error: { code: 'not_implemented', message: 'the console API is not deployed in this build' } });
