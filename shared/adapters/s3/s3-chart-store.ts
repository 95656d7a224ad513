// The report's chart store on S3: each PNG is put in a private bucket (server-side encrypted, as the
// bucket requires) and a presigned GET URL is returned for the email, which cannot attach files.
// The URL is a bearer link: it goes into the owner's own email and nowhere else (never a log).
//
// A presigned URL lives at most as long as the credentials that signed it: signed with a Lambda
// role's temporary credentials it stops working when that role session expires (hours), however
// long `expiresIn` is. The 7 days hold only for long-term credentials.
import { GetObjectCommand, PutObjectCommand, type S3Client, type ServerSideEncryption } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ChartStore } from '../../core/reporting/ports';

/** SigV4's longest presigned URL: 7 days. */
export const CHART_URL_EXPIRES_SECONDS = 7 * 24 * 3600;

export interface S3ChartStoreOptions {
  s3: S3Client;
  bucket: string;
  /** what the bucket requires: S3-managed keys (AES256, the default) or KMS (aws:kms) */
  serverSideEncryption?: Extract<ServerSideEncryption, 'AES256' | 'aws:kms'>;
  /** seconds the link is valid (≤ 7 days); default 7 days */
  expiresInSeconds?: number;
}

export class S3ChartStore implements ChartStore {
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly sse: 'AES256' | 'aws:kms';
  private readonly expiresIn: number;

  constructor(options: S3ChartStoreOptions) {
    this.s3 = options.s3;
    this.bucket = options.bucket;
    this.sse = options.serverSideEncryption ?? 'AES256';
    this.expiresIn = Math.min(options.expiresInSeconds ?? CHART_URL_EXPIRES_SECONDS, CHART_URL_EXPIRES_SECONDS);
  }

  async put(key: string, data: Uint8Array, contentType: string): Promise<string> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: data,
        ContentType: contentType,
        ServerSideEncryption: this.sse,
      }),
    );
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.expiresIn,
    });
  }
}
