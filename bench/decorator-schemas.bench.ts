// Issue 16: the BUILT decorator writing each output schema (OUTPUT_SCHEMA native, ecs, ocsf, and ocsf
// with the Security Lake layout's partition keys) on
// the records of decorator.bench.ts, EC2 on a loopback endpoint, each against the same-run
// baseline of that benchmark. Native is the byte-splicing fast path; ECS and OCSF run their
// mapping into a writer that learns each document layout once per batch (mapped-json-writer.ts).
//
// Then the sizes the template's Lambda buffer hint rests on, per schema: bytes per document,
// response bytes per byte of flow-log line, how many such records one response holds under the
// decorator's default budget and under Lambda's 6 MiB, and the response one invocation of the
// template's hint for the schema makes (`DecoratorBufferByOutputSchema`), measured by invoking
// the handler on that many records.
import { pathToFileURL } from 'node:url';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES, LAMBDA_RESPONSE_LIMIT_BYTES } from '../src/firehose/transformation/firehose-limits.js';
import { loadTemplate } from '../test/support/cloudformation.js';
import { builtBundle, quietly, report, type Interleaved } from './measure.js';
import type { Benchmark } from './run.js';
import { baseline, decoratorLambdaContext, DEPLOYED_NODE_OPTIONS, inventory, loopbackEnvironment, RECORDS, ROUNDS, runConfiguration, transformationEvent } from './decorator.bench.js';
import { startEc2LoopbackServer } from '../test/support/ec2-loopback-server.js';

const SCHEMAS = ['native', 'ecs', 'ocsf'] as const;
/** OCSF with the Security Lake layout's keys, in a context whose ARN gives the Region the default format lacks. */
const SECURITY_LAKE_VARIABLES = { OUTPUT_SCHEMA: 'ocsf', S3_LAYOUT: 'security-lake' };
const SECURITY_LAKE_CONTEXT = decoratorLambdaContext('us-east-1', '123456789012');
/** Firehose's buffer megabytes are MiB. */
const MIB = 1024 * 1024;

type Handler = (event: FirehoseTransformationEvent, context?: Context) => Promise<FirehoseTransformationResult>;

/** The template's processor buffer hint for a schema, in MiB. */
function templateBufferHint(schema: string): number {
  const mappings = (loadTemplate() as unknown as { Mappings?: Record<string, Record<string, Record<string, unknown>>> }).Mappings;
  return Number(mappings?.['DecoratorBufferByOutputSchema']?.[schema]?.['SizeInMBs']);
}

/** The first records of the event whose lines add up to at most `bytes`: what a buffer of that size hands the decorator. */
function recordsWithin(event: FirehoseTransformationEvent, bytes: number): FirehoseTransformationEvent {
  let total = 0;
  let count = 0;
  for (const record of event.records) {
    total += Buffer.from(record.data, 'base64').length;
    if (total > bytes) break;
    count += 1;
  }
  return { ...event, records: event.records.slice(0, count) };
}

/** Sizes of one invocation of a buffer-hint's worth of records in a schema. */
async function sizesAtHint(
  bundle: string,
  schema: string,
  environment: Record<string, string>,
  event: FirehoseTransformationEvent,
  layout: { readonly label: string; readonly variables: Record<string, string>; readonly context?: Context } = { label: schema, variables: {} },
) {
  const hint = templateBufferHint(schema);
  const batch = recordsWithin(event, hint * MIB);
  // A module instance of its own, configured when imported, so the timed configuration's caches do not count here.
  Object.assign(process.env, environment, { OUTPUT_SCHEMA: schema, S3_LAYOUT: 'stack-bucket' }, layout.variables);
  const { handler } = (await import(`${pathToFileURL(bundle).href}?sizes=${layout.label}`)) as { handler: Handler };
  const { result } = await quietly(() => handler(batch, layout.context));
  const ok = result.records.filter((record) => record.result === 'Ok');
  const lineBytes = batch.records.reduce((sum, record) => sum + Buffer.from(record.data, 'base64').length, 0);
  const documentBytes = ok.map((record) => Buffer.from(record.data ?? '', 'base64').length);
  const responseBytes = JSON.stringify(result).length;
  const responseBytesPerRecord = responseBytes / result.records.length;
  return {
    hint,
    records: batch.records.length,
    ok: ok.length,
    meanDocumentBytes: Math.round(documentBytes.reduce((sum, bytes) => sum + bytes, 0) / Math.max(1, documentBytes.length)),
    maxDocumentBytes: Math.max(...documentBytes),
    responseBytes,
    responseBytesPerLineByte: Math.round((responseBytes / lineBytes) * 100) / 100,
    recordsPerBudget: Math.floor(DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES / responseBytesPerRecord),
    recordsPerLambdaLimit: Math.floor(LAMBDA_RESPONSE_LIMIT_BYTES / responseBytesPerRecord),
  };
}

const benchmark: Benchmark = {
  name: 'decorator (built) per output schema, EC2 on a loopback endpoint',
  nodeOptions: DEPLOYED_NODE_OPTIONS,
  async run() {
    const bundle = builtBundle('dist/decorator/index.js');
    const event = transformationEvent();
    const { networkInterfaces, securityGroupRules } = inventory();
    const server = await startEc2LoopbackServer({ networkInterfaces, securityGroupRules });
    const environment = loopbackEnvironment(server.url);
    const calls = () => server.calls.length;
    try {
      const groups = new Map(networkInterfaces.map((eni) => [eni.NetworkInterfaceId ?? '', eni.Groups?.[0]?.GroupId ?? '']));
      const baselineRound = () => baseline(event, groups);
      const spread = (run: Interleaved) => `${run.ratioMin.toFixed(2)} .. ${run.ratioMax.toFixed(2)} over ${ROUNDS} rounds`;
      const figures: Record<string, string | number> = { records: RECORDS };
      // Each schema, then OCSF with the Security Lake layout's partition keys (S3_LAYOUT security-lake),
      // with a Lambda context whose ARN gives the own Region the default format does not carry.
      const configurations = [
        ...SCHEMAS.map((schema) => ({ label: schema, variables: { OUTPUT_SCHEMA: schema, S3_LAYOUT: 'stack-bucket' }, context: undefined })),
        { label: 'ocsf + security-lake keys', variables: SECURITY_LAKE_VARIABLES, context: SECURITY_LAKE_CONTEXT },
      ];
      for (const { label, variables, context } of configurations) {
        const run = await runConfiguration(`schema-${label}`, bundle, { ...environment, ...variables }, event, calls, baselineRound, context);
        figures[`${label}: warm ms for all records`] = run.warm.subjectMs;
        figures[`${label}: records/s`] = Math.round(RECORDS / (run.warm.subjectMs / 1000));
        figures[`${label}: ratio warm/baseline (median of rounds)`] = run.warm.ratio;
        figures[`${label}: ratio spread`] = spread(run.warm);
        figures[`${label}: results, 4,000-record batches (the native hint's size)`] = run.smallResults;
        figures[`${label}: document bytes per flow-log line byte`] = run.documentBytesPerLineByte;
      }
      for (const schema of SCHEMAS) {
        const sizes = await sizesAtHint(bundle, schema, environment, event);
        figures[`${schema}: template buffer hint MiB`] = sizes.hint;
        figures[`${schema}: records in one hint's worth of lines`] = sizes.records;
        figures[`${schema}: of them Ok`] = sizes.ok;
        figures[`${schema}: document bytes, mean / largest`] = `${sizes.meanDocumentBytes} / ${sizes.maxDocumentBytes}`;
        figures[`${schema}: response bytes at the hint`] = sizes.responseBytes;
        figures[`${schema}: response bytes per flow-log line byte`] = sizes.responseBytesPerLineByte;
        figures[`${schema}: records of this size per ${DEFAULT_TRANSFORMATION_RESPONSE_BUDGET_BYTES.toLocaleString('en-US')}-byte budget`] = sizes.recordsPerBudget;
        figures[`${schema}: records of this size per 6 MiB response`] = sizes.recordsPerLambdaLimit;
      }
      // The partition keys add to every Ok record of the response: still within the budget at OCSF's hint.
      const keyed = await sizesAtHint(bundle, 'ocsf', environment, event, { label: 'ocsf-security-lake', variables: SECURITY_LAKE_VARIABLES, context: SECURITY_LAKE_CONTEXT });
      figures['ocsf + security-lake keys: records in one hint\'s worth of lines, of them Ok'] = `${keyed.records} / ${keyed.ok}`;
      figures['ocsf + security-lake keys: response bytes at the hint'] = keyed.responseBytes;
      report(figures);
    } finally {
      await server.close();
    }
  },
};
export default benchmark;
