// The decorator Lambda: Kinesis Data Firehose's data transformation. Wiring only; the behaviour is
// in src/firehose/transformation/transform-firehose-event.ts (shared with the local pipeline), decorate-firehose-records.ts and src/enrich/.
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { createPowertoolsObservability } from '../src/adapters/powertools-observability.js';
import { createEc2Enrichment, ec2ClientsForScopes, scopeOfFunctionArn } from '../src/composition/enrichment.js';
import { loadDecoratorConfig } from '../src/config/decorator-config.js';
import { lookupTimeAllowanceMs } from '../src/firehose/transformation/lookup-deadline.js';
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
// Records of other accounts are looked up there through the look-up role, when one is configured.
const clientFor = ec2ClientsForScopes(ec2, config.lookupAccounts, { sts: () => new STSClient({}), clock: systemClock });
const enrichment = await createEc2Enrichment(config.enrichment, config, { clientFor, clock: systemClock, logger: observability.logger });

/** Returns every record of the batch, in order, enriched (Ok), Dropped or ProcessingFailed. */
export const handler = async (event: FirehoseTransformationEvent, context?: Context): Promise<FirehoseTransformationResult> => {
  // Look-ups stop in time for the answer to reach Firehose before Lambda's deadline, whatever
  // EC2, SSM or the geolocation service do (AbortSignal.timeout does not keep the process alive).
  const lookupsUntil = context === undefined ? undefined : AbortSignal.timeout(lookupTimeAllowanceMs(context.getRemainingTimeInMillis()));
  // Records that name no account or Region are looked up in the function's own, from its ARN.
  const ownScope = context === undefined ? undefined : scopeOfFunctionArn(context.invokedFunctionArn);
  const invocation = ownScope === undefined ? enrichment : { ...enrichment, sources: { ...enrichment.sources, ownScope } };
  try {
    return await transformFirehoseEvent(event, invocation, config, observability, lookupsUntil);
  } finally {
    observability.publish();
  }
};
