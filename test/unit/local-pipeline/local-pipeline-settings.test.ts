// The local pipeline copies the deployed stream's settings: they must not drift from template.yaml.
import { describe, expect, it } from 'vitest';
import { LOCAL_PIPELINE_SETTINGS } from '../../../src/local-pipeline/local-pipeline-settings.js';
import { isObject, loadTemplate, resolveStack, type CfnValue } from '../../support/cloudformation.js';

function at(value: CfnValue | undefined, ...path: (string | number)[]): CfnValue | undefined {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isObject(current) ? current[step] : undefined;
  }
  return current;
}

describe('LOCAL_PIPELINE_SETTINGS', () => {
  // The default source subscribes an existing log group, which template.yaml's Rules require be named.
  const template = loadTemplate();
  const stack = resolveStack(template, { DestinationType: 'S3', ExistingLogGroupName: '/vpc/flow-logs' });
  const destination = at(stack.resources.DeliveryStream?.Properties, 'ExtendedS3DestinationConfiguration');
  const processorParameter = (name: string): number => {
    const parameters = at(destination, 'ProcessingConfiguration', 'Processors', 0, 'Parameters');
    const found = Array.isArray(parameters) ? parameters.find((parameter) => at(parameter, 'ParameterName') === name) : undefined;
    const value = at(found, 'ParameterValue');
    // A value looked up by OutputSchema: the local pipeline writes native documents.
    const lookup = at(value, 'Fn::FindInMap');
    if (!Array.isArray(lookup)) return Number(value);
    const [mapName, , attribute] = lookup;
    const mappings = (template as unknown as { Mappings?: Record<string, CfnValue> }).Mappings;
    return typeof mapName === 'string' && typeof attribute === 'string' ? Number(at(mappings?.[mapName], 'native', attribute)) : Number.NaN;
  };

  it("uses the template's processor buffer hints and retries", () => {
    expect(LOCAL_PIPELINE_SETTINGS.processorBuffering).toEqual({ sizeBytes: processorParameter('BufferSizeInMBs') * 1024 * 1024, intervalMs: processorParameter('BufferIntervalInSeconds') * 1000 });
    expect(LOCAL_PIPELINE_SETTINGS.numberOfRetries).toBe(processorParameter('NumberOfRetries'));
  });

  it("uses the template's S3 destination buffering", () => {
    expect(LOCAL_PIPELINE_SETTINGS.destinationBuffering).toEqual({
      sizeBytes: Number(at(destination, 'BufferingHints', 'SizeInMBs')) * 1024 * 1024,
      intervalMs: Number(at(destination, 'BufferingHints', 'IntervalInSeconds')) * 1000,
    });
  });

  it("uses the ingestor function's timeout", () => {
    expect(LOCAL_PIPELINE_SETTINGS.ingestorTimeoutMs).toBe(Number(at(stack.resources.IngestorFunction?.Properties, 'Timeout')) * 1000);
  });
});
