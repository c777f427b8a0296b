/**
 * The deployed pipeline's settings that the local one copies, from template.yaml (a test checks
 * they still match): the processor's buffer hints and retries, the S3 destination's buffering.
 */
export const LOCAL_PIPELINE_SETTINGS = {
  region: 'us-east-1',
  accountId: '123456789012',
  /** ProcessingConfiguration BufferSizeInMBs 0.5 and BufferIntervalInSeconds 60. Firehose's MB is MiB. */
  processorBuffering: { sizeBytes: 0.5 * 1024 * 1024, intervalMs: 60_000 },
  /** NumberOfRetries of the processor. */
  numberOfRetries: 3,
  /** ExtendedS3DestinationConfiguration BufferingHints: 64 MB or 300 s. */
  destinationBuffering: { sizeBytes: 64 * 1024 * 1024, intervalMs: 300_000 },
  /** The ingestor function's Timeout: its retries must end within it. */
  ingestorTimeoutMs: 60_000,
  deliveredPrefix: 'delivered/',
  processingFailedPrefix: 'processing-failed/',
} as const;
