// The decorator Lambda: Kinesis Data Firehose's data transformation. Wiring only; the behaviour is
// in src/firehose/transformation/transform-firehose-event.ts (shared with the local pipeline), decorate-firehose-records.ts and src/enrich/.
import { EC2Client } from '@aws-sdk/client-ec2';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { createDecoratorEnrichment } from '../src/adapters/decorator-enrichment.js';
import { createPowertoolsObservability } from '../src/adapters/powertools-observability.js';
import { loadDecoratorConfig } from '../src/config/decorator-config.js';
import { transformFirehoseEvent } from '../src/firehose/transformation/transform-firehose-event.js';
import { systemClock } from '../src/ports.js';

// Cold start: a bad environment fails here, listing every problem.
const config = loadDecoratorConfig(process.env);
const observability = createPowertoolsObservability({
  serviceName: config.serviceName,
  namespace: config.metricsNamespace,
  ...(config.logLevel === undefined ? {} : { logLevel: config.logLevel }),
});
// No endpoint here: the SDK honours AWS_ENDPOINT_URL_EC2. The SDK retries throttling itself;
// what still fails leaves records Ok without interface fields (eni_lookup_failed).
const ec2 = new EC2Client({ requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true } });
ec2.middlewareStack.remove('loggerMiddleware');
const enrichment = await createDecoratorEnrichment(config, { ec2, clock: systemClock, logger: observability.logger });

/** Returns every record of the batch, in order, enriched (Ok), Dropped or ProcessingFailed. */
export const handler = async (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
  try {
    return await transformFirehoseEvent(event, enrichment, config, observability);
  } finally {
    observability.publish();
  }
};
