// An Amazon Security Lake custom source on the test's Trino, as the stack with S3Layout
// security-lake fills it: each Ok record's OCSF documents under the prefix Firehose's dynamic
// partitioning builds from the decorator's keys
// (ext/<source>/<version>/region=<r>/accountId=<a>/eventDay=<YYYYMMDD>/), one Parquet file per
// partition per delivery (Firehose's record-format conversion, strictly, with the Glue table's OCSF
// columns), and the external table a Glue crawler would give it: the OCSF columns and the
// partition columns in lower case (region, accountid, eventday), the partitions registered from
// the directories, case-insensitively since the directories say `accountId=` and `eventDay=`.
import { join } from 'node:path';
import { quoteIdentifier } from '../../../src/athena/ledger-sql.js';
import { glueColumnsFor } from '../../../src/athena/schema-columns.js';
import type { TransformationOutputRecord } from '../../../src/firehose/transformation/decorate-firehose-records.js';
import type { SecurityLakePartitionKeys } from '../../../src/firehose/transformation/partition-keys.js';
import { OutputSchema } from '../../../src/output-schema/output-schema.js';
import { documentsOf } from '../../support/firehose-builders.js';
import { trinoType, writeParquetFiles } from './flow-log-table.js';
import { TRINO_CATALOG, type TrinoServer } from './trino-server.js';

/** The custom source's location in the lake's bucket: `ext/<source name>/<source version>`. */
export const SECURITY_LAKE_SOURCE_PREFIX = 'ext/vpc-flow-appender/1.0';

/** The object prefix Firehose writes a record under: the template's `!{partitionKeyFromLambda:...}` expressions, filled. */
export function securityLakePartitionPath(keys: SecurityLakePartitionKeys): string {
  return `region=${keys.region}/accountId=${keys.accountId}/eventDay=${keys.eventDay}`;
}

/** The name of the object a delivery (1, 2, ...) writes in each partition it has records for. */
export function lakeObjectName(delivery: number): string {
  return `vpc-flow-appender-delivery-${delivery}.parquet`;
}

/** One object Firehose delivered: where it is on disk, its partition, its documents and size. */
export interface LakeObject {
  readonly file: string;
  readonly keys: SecurityLakePartitionKeys;
  readonly documents: readonly Record<string, unknown>[];
  readonly bytes: number;
}

/**
 * Writes the Ok records of each delivery (the decorator's response for one Firehose buffer) under
 * `<warehouse>/<schema>/ext/...`: one Parquet object per partition and delivery, as Firehose's
 * dynamic partitioning flushes one buffer per partition. Records that are not Ok go to Firehose's
 * error prefix, not into the source, and are left out; an Ok record without keys fails the write,
 * since Firehose could not place it either.
 */
export function writeSecurityLakeObjects(warehouse: string, schema: string, deliveries: readonly (readonly TransformationOutputRecord[])[]): LakeObject[] {
  const objects = new Map<string, { keys: SecurityLakePartitionKeys; documents: Record<string, unknown>[] }>();
  deliveries.forEach((records, delivery) => {
    for (const record of records) {
      if (record.result !== 'Ok') continue;
      const keys = record.metadata?.partitionKeys;
      if (keys === undefined) throw new Error(`Ok record ${record.recordId} has no partition keys: Firehose could not place it`);
      const file = join(warehouse, schema, SECURITY_LAKE_SOURCE_PREFIX, securityLakePartitionPath(keys), lakeObjectName(delivery + 1));
      let object = objects.get(file);
      if (object === undefined) objects.set(file, (object = { keys, documents: [] }));
      object.documents.push(...documentsOf(record));
    }
  });
  const sizes = writeParquetFiles(OutputSchema.Ocsf, new Map([...objects].map(([file, object]) => [file, object.documents])));
  return [...objects].map(([file, object]) => ({ file, ...object, bytes: sizes.get(file) ?? 0 }));
}

/**
 * The crawler's table over the source: OCSF columns, then `region`, `accountid` and `eventday`
 * (varchar) as partition columns, with the partitions found under the source's prefix registered.
 */
export async function createSecurityLakeTable(trino: TrinoServer, schema: string, table: string): Promise<void> {
  const columns = glueColumnsFor(OutputSchema.Ocsf).map(({ name, type }) => `${quoteIdentifier(name)} ${trinoType(type)}`);
  await trino.query(`CREATE SCHEMA ${TRINO_CATALOG}.${quoteIdentifier(schema)} WITH (location = 'local:///${schema}')`);
  await trino.query(
    [
      `CREATE TABLE ${TRINO_CATALOG}.${quoteIdentifier(schema)}.${quoteIdentifier(table)} (`,
      `  ${[...columns, 'region varchar', 'accountid varchar', 'eventday varchar'].join(',\n  ')}`,
      `) WITH (format = 'PARQUET', partitioned_by = ARRAY['region', 'accountid', 'eventday'], external_location = 'local:///${schema}/${SECURITY_LAKE_SOURCE_PREFIX}')`,
    ].join('\n'),
  );
  // case_sensitive false: the directories say accountId= and eventDay=, the columns are lower case.
  await trino.query(`CALL ${TRINO_CATALOG}.system.sync_partition_metadata('${schema}', '${table}', 'FULL', false)`);
}
