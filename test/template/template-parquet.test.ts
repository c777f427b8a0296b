import { describe, expect, it } from 'vitest';
import { athenaNamedQuerySql } from '../../src/athena/named-queries.js';
import { glueColumnsFor } from '../../src/athena/schema-columns.js';
import { isOutputSchema, OUTPUT_SCHEMAS, type OutputSchema } from '../../src/output-schema/output-schema.js';
import { asList, describeValue, objectAt, subParts, toRuntimeString, type CfnObject, type ResolvedStack } from '../support/cloudformation.js';
import { describeStack, resourceOf, stacks } from './template-fixtures.js';

/** Firehose's least buffer size with record-format conversion, in MiB. */
const CONVERSION_MIN_BUFFER_MIB = 64;

function schemaOf(stack: ResolvedStack): OutputSchema {
  const schema = stack.values['OutputSchema'] ?? 'native';
  if (!isOutputSchema(schema)) throw new Error(`OutputSchema ${schema}`);
  return schema;
}

const withS3 = stacks.filter((stack) => stack.values['DestinationType'] === 'S3');
const parquet = withS3.filter((stack) => stack.values['S3RecordFormat'] === 'parquet');

function tableInput(stack: ResolvedStack): CfnObject {
  return objectAt(resourceOf(stack, 'FlowLogTable').Properties?.['TableInput'], 'TableInput');
}

function storageOf(stack: ResolvedStack): CfnObject {
  return objectAt(tableInput(stack)['StorageDescriptor'], 'StorageDescriptor');
}

function s3Destination(stack: ResolvedStack): CfnObject {
  return objectAt(resourceOf(stack, 'DeliveryStream').Properties?.['ExtendedS3DestinationConfiguration'], 'S3 destination');
}

function statementsOf(stack: ResolvedStack): CfnObject[] {
  const policies = asList(resourceOf(stack, 'DeliveryStreamRole').Properties?.['Policies']);
  return policies.flatMap((policy) => asList(objectAt(objectAt(policy, 'policy')['PolicyDocument'], 'document')['Statement']).map((statement) => objectAt(statement, 'statement')));
}

describe('template.yaml S3 record format and output schema', () => {
  it('tries Parquet with every output schema', () => {
    expect(new Set(parquet.map(schemaOf))).toEqual(new Set(OUTPUT_SCHEMAS));
  });

  it('gives the Glue table exactly the columns of the documents of the chosen OutputSchema, whatever the format', () => {
    for (const stack of withS3) {
      const columns = asList(storageOf(stack)['Columns']).map((column) => {
        const { Name, Type } = objectAt(column, 'column');
        return { name: describeValue(Name ?? null), type: describeValue(Type ?? null) };
      });
      expect(columns, describeStack(stack)).toEqual(glueColumnsFor(schemaOf(stack)));
    }
  });

  it('converts to Parquet only when asked: OpenX JSON in, Snappy Parquet out, against the stack\'s own table, buffered at least 64 MiB, S3 compression off', () => {
    for (const stack of withS3) {
      const destination = s3Destination(stack);
      const conversion = destination['DataFormatConversionConfiguration'];
      if (stack.values['S3RecordFormat'] !== 'parquet') {
        expect(conversion, describeStack(stack)).toBeUndefined();
        continue;
      }
      expect(conversion, describeStack(stack)).toMatchObject({
        Enabled: true,
        InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
        OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
        SchemaConfiguration: {
          CatalogId: { Ref: 'AWS::AccountId' },
          DatabaseName: { Ref: 'FlowLogDatabase' },
          TableName: { Ref: 'FlowLogTable' },
          Region: { Ref: 'AWS::Region' },
          RoleARN: { 'Fn::GetAtt': ['DeliveryStreamRole', 'Arn'] },
          VersionId: 'LATEST',
        },
      });
      expect(destination['CompressionFormat']).toBe('UNCOMPRESSED');
      expect(Number(objectAt(destination['BufferingHints'], 'BufferingHints')['SizeInMBs'])).toBeGreaterThanOrEqual(CONVERSION_MIN_BUFFER_MIB);
    }
  });

  it('renames in the conversion exactly the keys the table renames, onto columns the table has', () => {
    for (const stack of parquet) {
      const deserializer = objectAt(objectAt(objectAt(s3Destination(stack)['DataFormatConversionConfiguration'], 'conversion')['InputFormatConfiguration'], 'input')['Deserializer'], 'deserializer');
      const mappings = objectAt(deserializer['OpenXJsonSerDe'], 'OpenXJsonSerDe')['ColumnToJsonKeyMappings'] ?? {};
      const columns = new Set(glueColumnsFor(schemaOf(stack)).map((column) => column.name));
      expect(Object.keys(objectAt(mappings, 'mappings')).filter((column) => !columns.has(column)), describeStack(stack)).toEqual([]);
      expect(Object.keys(objectAt(mappings, 'mappings')).sort()).toEqual(columns.has('event_time') ? ['event_time'] : []);
    }
  });

  it('stores the table as Parquet when Firehose writes Parquet, as OpenX JSON lines otherwise', () => {
    for (const stack of withS3) {
      const storage = storageOf(stack);
      const parameters = objectAt(tableInput(stack)['Parameters'], 'table parameters');
      if (stack.values['S3RecordFormat'] === 'parquet') {
        expect(storage, describeStack(stack)).toMatchObject({
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        });
        expect(parameters['classification']).toBe('parquet');
      } else {
        expect(storage, describeStack(stack)).toMatchObject({ InputFormat: 'org.apache.hadoop.mapred.TextInputFormat', SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' } });
        expect(parameters['classification']).toBe('json');
      }
    }
  });

  it('lets Firehose read the table\'s schema, and only with Parquet: glue:GetTable* on the catalog, the database and the table', () => {
    for (const stack of stacks) {
      const read = statementsOf(stack).filter((statement) => statement['Sid'] === 'ReadTableSchema');
      if (stack.values['S3RecordFormat'] !== 'parquet') {
        expect(read, describeStack(stack)).toEqual([]);
        continue;
      }
      const [statement] = read;
      const database = toRuntimeString(objectAt(resourceOf(stack, 'FlowLogDatabase').Properties?.['DatabaseInput'], 'DatabaseInput')['Name'] ?? null, stack.values);
      const table = describeValue(tableInput(stack)['Name'] ?? null);
      expect(statement?.['Action']).toEqual(['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions']);
      expect(asList(statement?.['Resource']).map((resource) => toRuntimeString(resource, stack.values))).toEqual([
        'arn:aws:glue:us-east-1:123456789012:catalog',
        `arn:aws:glue:us-east-1:123456789012:database/${database}`,
        `arn:aws:glue:us-east-1:123456789012:table/${database}/${table}`,
      ]);
    }
  });

  it('names in each schema\'s named queries only columns its table has, under the native names the queries read', () => {
    for (const schema of OUTPUT_SCHEMAS) {
      const stack = withS3.find((candidate) => schemaOf(candidate) === schema);
      if (stack === undefined) throw new Error(`no S3 stack writes ${schema}`);
      const queries = Object.entries(stack.resources).filter(([, resource]) => resource.Type === 'AWS::Athena::NamedQuery');
      for (const [logicalId, query] of queries) {
        const { text } = subParts(objectAt(query.Properties?.['QueryString'], 'QueryString')['Fn::Sub']);
        expect(text, `${logicalId} ${schema}`).toBe(athenaNamedQuerySql(schema)[logicalId]);
        if (schema === 'native') continue;
        // The projection reads the schema's columns by their paths.
        const projection = /^WITH flows AS \(\n([\s\S]*?)\n\)\n/.exec(text ?? '')?.[1] ?? '';
        const columns = new Set(glueColumnsFor(schema).map((column) => column.name));
        const roots = [...projection.matchAll(/(?<![.\w"])"([a-z_@]+)"(?!\s*[,\n]|$)/g)].map((match) => match[1] ?? '');
        const read = [...projection.matchAll(/(?<![.\w])"([a-z_]+)"\./g)].map((match) => match[1] ?? '');
        expect([...read, ...roots.filter((root) => !projection.includes(`AS "${root}"`))].filter((root) => !columns.has(root) && !['year', 'month', 'day'].includes(root)), `${logicalId} ${schema}`).toEqual([]);
        expect(read.length).toBeGreaterThan(10);
      }
    }
  });
});
