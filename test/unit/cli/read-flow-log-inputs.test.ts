import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFlowLogInputs, type MessageWriter } from '../../../src/cli/read-flow-log-inputs.js';
import type { FlowLogDocument } from '../../../src/flow-log/index.js';
import { defaultFormatLine } from '../../support/firehose-builders.js';
import { temporaryDirectory } from './cli-harness.js';

function recordingWriter(): MessageWriter & { readonly text: string[] } {
  const text: string[] = [];
  return { text, write: (message) => Promise.resolve(void text.push(message)), flush: () => Promise.resolve() };
}

const io = () => ({ stdin: new PassThrough(), stderr: new PassThrough() });

describe('readFlowLogInputs', () => {
  let files: ReturnType<typeof temporaryDirectory>;
  beforeEach(() => {
    files = temporaryDirectory();
  });
  afterEach(() => {
    files.remove();
  });

  it('reports an input it cannot read and goes on with the next one', async () => {
    // Prepare
    const good = files.write('good.log', `${defaultFormatLine({ srcport: 1 })}\n`);
    const errors = recordingWriter();
    const documents: FlowLogDocument[] = [];

    // Act
    const { badLines } = await readFlowLogInputs({ inputs: [files.path('missing.log'), good], label: 'test' }, io(), errors, {
      record: (document) => Promise.resolve(void documents.push(document)),
    });

    // Assess
    expect(badLines).toBe(1);
    expect(errors.text).toHaveLength(1);
    expect(errors.text[0]).toContain('missing.log: ');
    expect(documents.map((document) => document.srcport)).toEqual([1]);
  });

  it('stops at a failing handler and throws its error as it is, blaming no input and reading no further', async () => {
    // Prepare: the output pipe closes at the first record.
    const first = files.write('first.log', `${defaultFormatLine({ srcport: 1 })}\n${defaultFormatLine({ srcport: 2 })}\n`);
    const second = files.write('second.log', `${defaultFormatLine({ srcport: 3 })}\n`);
    const errors = recordingWriter();
    const closedPipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const seen: number[] = [];

    // Act
    const reading = readFlowLogInputs({ inputs: [first, second], label: 'test' }, io(), errors, {
      record: (document) => {
        seen.push(document.srcport ?? -1);
        return Promise.reject(closedPipe);
      },
    });

    // Assess
    await expect(reading).rejects.toBe(closedPipe);
    expect(seen).toEqual([1]);
    expect(errors.text).toEqual([]);
  });
});
