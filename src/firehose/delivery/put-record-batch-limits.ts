/**
 * Hard limits of Firehose PutRecordBatch; they cannot be raised.
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 * https://docs.aws.amazon.com/firehose/latest/dev/limits.html
 */

/** Records per PutRecordBatch call. */
export const MAX_PUT_RECORD_BATCH_RECORDS = 500;

/** Bytes of record data per PutRecordBatch call (4 MiB), counted before base64 encoding. */
export const MAX_PUT_RECORD_BATCH_BYTES = 4 * 1024 * 1024;

/** Bytes of one record's data (1,000 KiB), before base64 encoding. */
export const MAX_RECORD_BYTES = 1000 * 1024;
