// Run as a child process with a small V8 heap (see decorate-bounded-memory.test.ts): decorates one
// batch of hostile envelopes with good records between them and prints the results as JSON. Out of
// memory, the child dies and the test sees it.
import { gzipSync } from 'node:zlib';
import { decorateFirehoseRecords } from '../../src/firehose/transformation/decorate-firehose-records.js';
import { logEvent, subscriptionPayload } from './cloudwatch-builders.js';
import { base64, defaultFormatLine, transformationRecord } from './firehose-builders.js';

const [flowsText = '400000', shape = 'default'] = process.argv.slice(2);
const flows = Number(flowsText);

/** One gzipped envelope of one log event carrying `flows` lines: small compressed, huge decoded. */
function hostileEnvelope(): string {
  const text =
    shape === 'tiny'
      ? `version\n${'2\n'.repeat(flows)}`
      : Array.from({ length: flows }, (_, index) => defaultFormatLine({ srcport: index % 100 })).join('\n');
  return base64(gzipSync(Buffer.from(JSON.stringify(subscriptionPayload({ logEvents: [logEvent({ message: text })] }))), { level: 9 }));
}

const inputs: ReturnType<typeof transformationRecord>[] = [];
const envelopeSizes: number[] = [];
const data = hostileEnvelope();
for (let hostile = 0; hostile < 4; hostile += 1) {
  inputs.push(transformationRecord({ text: defaultFormatLine({ srcport: hostile }) }));
  envelopeSizes.push(Math.ceil((data.length * 3) / 4));
  inputs.push(transformationRecord({ data }));
}
inputs.push(transformationRecord({ text: defaultFormatLine({ srcport: 9 }) }));
const { records, summary } = await decorateFirehoseRecords(inputs, {}, { trailingNewline: false, responseBudgetBytes: 5_000_000 });
process.stdout.write(
  JSON.stringify({
    envelopeSizes,
    results: records.map((record) => record.result),
    dataKept: records.map((record, index) => record.result !== 'ProcessingFailed' || record.data === inputs[index]?.data),
    overBudgetRecords: summary.overBudgetRecords,
  }),
);
