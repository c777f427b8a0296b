import { describe, expect, it } from 'vitest';
import { checkTransformationResponse, MAX_LAMBDA_RESPONSE_BYTES, TransformationErrorCode } from '../../../src/local-pipeline/transformation-contract.js';

const IDS = ['id-1', 'id-2'];
const DATA = Buffer.from('{"flow":1}\n').toString('base64');

function response(records: unknown[]): string {
  return JSON.stringify({ records });
}

function answer(recordId: string, result = 'Ok', data: unknown = DATA): Record<string, unknown> {
  return { recordId, result, data };
}

describe('checkTransformationResponse', () => {
  it('accepts every recordId once with valid results and returns the decoded data', () => {
    // Act
    const checked = checkTransformationResponse(IDS, response([answer('id-1'), answer('id-2', 'Dropped')]));

    // Assess
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.get('id-1')).toEqual({ result: 'Ok', data: Buffer.from('{"flow":1}\n') });
    expect(checked.value.get('id-2')?.result).toBe('Dropped');
  });

  it('accepts records in another order than the invocation', () => {
    const checked = checkTransformationResponse(IDS, response([answer('id-2'), answer('id-1', 'ProcessingFailed')]));

    expect(checked.ok).toBe(true);
  });

  it('refuses a response that leaves a recordId out with Lambda.MissingRecordId', () => {
    const checked = checkTransformationResponse(IDS, response([answer('id-1')]));

    expect(checked).toMatchObject({ ok: false, error: { errorCode: TransformationErrorCode.MissingRecordId } });
  });

  it('refuses a recordId twice with Lambda.DuplicatedRecordId', () => {
    const checked = checkTransformationResponse(IDS, response([answer('id-1'), answer('id-1'), answer('id-2')]));

    expect(checked).toMatchObject({ ok: false, error: { errorCode: TransformationErrorCode.DuplicatedRecordId } });
  });

  it('refuses a recordId the invocation never sent', () => {
    const checked = checkTransformationResponse(IDS, response([answer('id-1'), answer('id-2'), answer('id-3')]));

    expect(checked).toMatchObject({ ok: false, error: { errorCode: TransformationErrorCode.MissingRecordId } });
    expect(checked.ok ? '' : checked.error.errorMessage).toContain('id-3');
  });

  it.each(['OK', 'TRANSFORMED_STATE_OK', 'Failed', '', 1, null])('refuses the result %j with Lambda.JsonProcessingException', (result) => {
    const checked = checkTransformationResponse(IDS, response([answer('id-1', result as string), answer('id-2')]));

    expect(checked).toMatchObject({ ok: false, error: { errorCode: TransformationErrorCode.JsonProcessingException } });
  });

  it.each(['not base64!', 'abc', '{"flow":1}', 42])('refuses the data %j as not base64', (data) => {
    const checked = checkTransformationResponse(IDS, response([answer('id-1', 'Ok', data), answer('id-2')]));

    expect(checked).toMatchObject({ ok: false, error: { errorCode: TransformationErrorCode.JsonProcessingException } });
  });

  it.each(['not json', '[]', '{}', '{"records":{}}', 'null'])('refuses %j, which holds no records array', (text) => {
    const checked = checkTransformationResponse(IDS, text);

    expect(checked).toMatchObject({ ok: false, error: { errorCode: TransformationErrorCode.JsonProcessingException } });
  });

  it('refuses a response one byte over 6 MB with Lambda.FunctionError, and accepts one of exactly 6 MB', () => {
    // Prepare: pad the data of one record so the JSON is exactly the limit, then one base64 quantum more.
    const frame = response([answer('id-1', 'Ok', ''), answer('id-2')]);
    const padding = MAX_LAMBDA_RESPONSE_BYTES - frame.length;
    const atLimit = response([answer('id-1', 'Ok', 'A'.repeat(padding - (padding % 4))), answer('id-2')]);
    const exact = atLimit.length === MAX_LAMBDA_RESPONSE_BYTES ? atLimit : atLimit.replace('"records"', `"records"${' '.repeat(MAX_LAMBDA_RESPONSE_BYTES - atLimit.length)}`);
    const over = `${exact} `;

    // Act
    const accepted = checkTransformationResponse(IDS, exact);
    const refused = checkTransformationResponse(IDS, over);

    // Assess
    expect(Buffer.byteLength(exact)).toBe(MAX_LAMBDA_RESPONSE_BYTES);
    expect(accepted.ok).toBe(true);
    expect(refused).toMatchObject({ ok: false, error: { errorCode: TransformationErrorCode.FunctionError } });
  });
});
