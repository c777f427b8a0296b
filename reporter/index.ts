// The reporter Lambda: the scheduled security-group report (EventBridge Scheduler, issue 15).
// Wiring only; the behaviour is in src/scheduled-report/run-scheduled-report.ts.
import { AthenaClient } from '@aws-sdk/client-athena';
import { EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { createAthenaQueryEngine } from '../src/adapters/athena-query-engine.js';
import { createLiveReportInventory } from '../src/adapters/live-report-inventory.js';
import { createOpenSearchHttpClient } from '../src/adapters/opensearch-http-client.js';
import { createPowertoolsObservability } from '../src/adapters/powertools-observability.js';
import { chooseReportLedgerSource } from '../src/adapters/report-ledger-source.js';
import { createS3ObjectReader } from '../src/adapters/s3-object-reader.js';
import { createS3ReportStore } from '../src/adapters/s3-report-store.js';
import { createS3WindowLineSource } from '../src/adapters/s3-window-line-source.js';
import { createSnsReportNotifier } from '../src/adapters/sns-report-notifier.js';
import { createAthenaLedgerSource } from '../src/athena/athena-ledger-source.js';
import { readLines } from '../src/adapters/read-lines.js';
import { loadReporterConfig } from '../src/config/reporter-config.js';
import { ConfigurationError } from '../src/errors.js';
import { createOpenSearchLedgerSource } from '../src/opensearch/opensearch-ledger-source.js';
import { MetricUnit, systemClock } from '../src/ports.js';
import { createEnrichedLineLedgerSource, runScheduledReport, type ScheduledReportResult } from '../src/scheduled-report/index.js';

// Cold start: a bad environment fails here, listing every problem.
const config = loadReporterConfig(process.env);
const observability = createPowertoolsObservability({
  serviceName: config.serviceName,
  namespace: config.metricsNamespace,
  ...(config.logLevel === undefined ? {} : { logLevel: config.logLevel }),
});
// No endpoints here: the SDK honours AWS_ENDPOINT_URL_S3, _EC2, _SNS and _ATHENA. The SDK retries
// throttling itself; what still fails fails the run, and the scheduler retries it.
const requestHandler = { connectionTimeout: 3_000, requestTimeout: 60_000, throwOnRequestTimeout: true };
const s3 = new S3Client({ requestHandler });
const ec2 = new EC2Client({ requestHandler });
const sns = new SNSClient({ requestHandler });
for (const client of [s3, ec2, sns]) client.middlewareStack.remove('loggerMiddleware');
/** A composite aggregation page over months of a large estate can take minutes on a busy domain. */
const OPENSEARCH_SEARCH_TIMEOUT_MS = 300_000;

/** Builds the chosen engine's source once per run; only that engine's client exists. */
const ledgerSourceFactories = (logger: typeof observability.logger, metrics: typeof observability.metrics) => ({
  s3: () =>
    createEnrichedLineLedgerSource({
      lines: createS3WindowLineSource({ reader: createS3ObjectReader({ client: s3 }), bucket: config.bucket, prefix: config.flowLogsPrefix, readLines }),
      logger,
      metrics,
    }),
  opensearch: () => {
    const settings = config.opensearch;
    if (settings === undefined) throw new ConfigurationError(['REPORT_ENGINE opensearch needs OPENSEARCH_ENDPOINT']);
    const auth = settings.auth === 'none' ? { kind: 'none' as const } : { kind: 'sigv4' as const, region: settings.region ?? '' };
    const http = createOpenSearchHttpClient({ baseUrl: settings.endpoint, auth, timeoutMs: OPENSEARCH_SEARCH_TIMEOUT_MS });
    return createOpenSearchLedgerSource({ http, indexPattern: settings.indexPattern, onPage: () => metrics.add('ReportOpenSearchPages', MetricUnit.Count, 1) });
  },
  athena: () => {
    const settings = config.athena;
    if (settings === undefined) throw new ConfigurationError(['REPORT_ENGINE athena needs ATHENA_WORKGROUP and ATHENA_DATABASE']);
    const client = new AthenaClient({ requestHandler });
    client.middlewareStack.remove('loggerMiddleware');
    return createAthenaLedgerSource({
      engine: createAthenaQueryEngine({ client, workGroup: settings.workGroup, database: settings.database }),
      table: { database: settings.database, table: settings.table },
      schema: settings.schema,
      // What the report cost: Athena bills the bytes each query scans.
      onScanned: (_query, bytes) => metrics.add('ReportAthenaScannedBytes', MetricUnit.Bytes, bytes),
    });
  },
});

/** Writes the report of the window to the bucket and notifies its summary, or throws so the scheduler retries (then dead-letters) the event. */
export const handler = async (): Promise<ScheduledReportResult> => {
  const { logger, metrics } = observability;
  const ledgerSource = chooseReportLedgerSource(config.engine, ledgerSourceFactories(logger, metrics));
  try {
    return await runScheduledReport(
      {
        ledgerSource,
        inventory: createLiveReportInventory({ ec2, vpcIds: config.vpcIds }),
        store: createS3ReportStore({ client: s3, bucket: config.bucket }),
        notifier: createSnsReportNotifier({ client: sns, topicArn: config.topicArn }),
        clock: systemClock,
        logger,
        metrics,
      },
      { windowDays: config.windowDays, keyPrefix: config.reportPrefix, name: config.reportName },
    );
  } finally {
    observability.publish();
  }
};
