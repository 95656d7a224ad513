// S3ChartStore against a mocked S3 client: the PutObject it sends (bucket, key, body, type,
// server-side encryption) and the presigned GET URL it returns, signed offline with fake
// credentials and checked here by recomputing its SigV4 signature.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash, createHmac } from 'node:crypto';
import { CHART_URL_EXPIRES_SECONDS, S3ChartStore } from '../../../../shared/adapters/s3/s3-chart-store';

const BUCKET = 'tvat-test-reports-111122223333-eu-west-1';
const KEY = 'reports/acc-1/daily-2026-11-21.png';
const CREDENTIALS = { accessKeyId: 'AKIAFAKEFAKEFAKE0001', secretAccessKey: 'fake/secret/key/for/offline/presigning0' };
const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const s3mock = mockClient(S3Client);
const client = () => new S3Client({ region: 'eu-west-1', credentials: CREDENTIALS });

beforeEach(() => {
  s3mock.reset();
  s3mock.on(PutObjectCommand).resolves({ ETag: '"e"' });
});

/** SigV4 query-string signature of a presigned GET, computed from the URL's own parameters. */
function expectedSignature(url: URL): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = params
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const signedHeaders = url.searchParams.get('X-Amz-SignedHeaders')!;
  expect(signedHeaders).toBe('host');
  const canonical = ['GET', url.pathname, query, `host:${url.host}\n`, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date')!;
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const [date, region, service] = scope.split('/');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${CREDENTIALS.secretAccessKey}`, date!), region!), service!),
    'aws4_request',
  );
  return createHmac('sha256', signingKey).update(toSign).digest('hex');
}

test('puts the chart in the bucket with its key, type and S3-managed encryption', async () => {
  await new S3ChartStore({ s3: client(), bucket: BUCKET }).put(KEY, PNG, 'image/png');

  const calls = s3mock.commandCalls(PutObjectCommand);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.args[0].input).toEqual({
    Bucket: BUCKET,
    Key: KEY,
    Body: PNG,
    ContentType: 'image/png',
    ServerSideEncryption: 'AES256',
  });
});

test('uses KMS encryption when the bucket requires it', async () => {
  await new S3ChartStore({ s3: client(), bucket: BUCKET, serverSideEncryption: 'aws:kms' }).put(KEY, PNG, 'image/png');

  expect(s3mock.commandCalls(PutObjectCommand)[0]!.args[0].input.ServerSideEncryption).toBe('aws:kms');
});

test('returns a presigned GET URL for exactly that object, valid 7 days, with a correct SigV4 signature', async () => {
  const before = Date.now();
  const url = new URL(await new S3ChartStore({ s3: client(), bucket: BUCKET }).put(KEY, PNG, 'image/png'));

  expect(url.protocol).toBe('https:');
  expect(url.host).toBe(`${BUCKET}.s3.eu-west-1.amazonaws.com`);
  expect(url.pathname).toBe(`/${KEY}`);
  expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
  expect(url.searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
  expect(CHART_URL_EXPIRES_SECONDS).toBe(604_800);
  expect(url.searchParams.get('X-Amz-Credential')).toMatch(
    new RegExp(`^${CREDENTIALS.accessKeyId}/\\d{8}/eu-west-1/s3/aws4_request$`),
  );
  const signedAt = url.searchParams
    .get('X-Amz-Date')!
    .replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  expect(Math.abs(Date.parse(signedAt) - before)).toBeLessThan(60_000);
  expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url));
  // the secret never appears in the link; no GetObject request is sent (presigning is local)
  expect(url.href).not.toContain(CREDENTIALS.secretAccessKey);
  expect(s3mock.commandCalls(GetObjectCommand)).toEqual([]);
});

test('a shorter validity may be asked for; never more than 7 days', async () => {
  const short = new URL(
    await new S3ChartStore({ s3: client(), bucket: BUCKET, expiresInSeconds: 3600 }).put(KEY, PNG, 'image/png'),
  );
  const long = new URL(
    await new S3ChartStore({ s3: client(), bucket: BUCKET, expiresInSeconds: 30 * 24 * 3600 }).put(
      KEY,
      PNG,
      'image/png',
    ),
  );

  expect(short.searchParams.get('X-Amz-Expires')).toBe('3600');
  expect(long.searchParams.get('X-Amz-Expires')).toBe('604800');
});

test('a failed upload rejects and signs nothing', async () => {
  s3mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

  await expect(new S3ChartStore({ s3: client(), bucket: BUCKET }).put(KEY, PNG, 'image/png')).rejects.toThrow(
    'Access Denied',
  );
});
