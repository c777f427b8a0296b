import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportObjectStore } from '../scheduled-report/index.js';

/**
 * The scheduled report's outputs as objects of the stack's bucket (PutObject; the bucket's
 * default encryption applies). Resolves with `s3://bucket/key`; an S3 error is thrown as the SDK
 * raised it (it names the refusal, never a credential).
 *
 * @example await createS3ReportStore({ client, bucket }).putObject('reports/2026/12/06/security-group-report.html', html, 'text/html; charset=utf-8')
 */
export function createS3ReportStore({ client, bucket }: { readonly client: S3Client; readonly bucket: string }): ReportObjectStore {
  return {
    async putObject(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      return `s3://${bucket}/${key}`;
    },
  };
}
