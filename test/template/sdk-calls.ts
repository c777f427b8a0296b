// The AWS API calls a Lambda's code makes, read from its sources: every `new XCommand(` and
// `paginateX(` of an @aws-sdk client, in the handler and every module it imports (static or dynamic).
// The least-privilege tests compare them with what the function's role allows.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/**
 * IAM actions (`ec2:DescribeNetworkInterfaces`) of the SDK calls reachable from an entry module.
 *
 * @example sdkActionsReachableFrom('ingestor/index.ts') // ['firehose:PutRecordBatch']
 */
export function sdkActionsReachableFrom(entry: string): string[] {
  const actions = new Set<string>();
  const seen = new Set<string>();
  const pending = [normalize(entry)];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    for (const action of sdkActionsIn(source)) actions.add(action);
    for (const match of source.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)\.js'/g)) {
      const imported = join(dirname(path), `${match[1] ?? ''}.ts`);
      if (existsSync(imported)) pending.push(imported);
    }
  }
  return [...actions].sort();
}

/**
 * IAM actions of the SDK calls in one module: its commands and paginators, prefixed by the service
 * of the @aws-sdk client it imports.
 *
 * @example sdkActionsIn("import { paginateDescribeVpcs } from '@aws-sdk/client-ec2'; paginateDescribeVpcs(c, {});") // ['ec2:DescribeVpcs']
 */
export function sdkActionsIn(source: string): string[] {
  const services = [...new Set([...source.matchAll(/'@aws-sdk\/client-([a-z0-9-]+)'/g)].map((match) => match[1] ?? ''))];
  const operations = [...source.matchAll(/\bnew ([A-Z][A-Za-z0-9]*)Command\(|\bpaginate([A-Z][A-Za-z0-9]*)\(/g)].map((match) => match[1] ?? match[2] ?? '');
  if (operations.length === 0) return [];
  if (services.length !== 1) throw new Error(`SDK calls ${operations.join(', ')} with ${services.length === 0 ? 'no' : 'several'} @aws-sdk clients imported: cannot tell their service`);
  return [...new Set(operations.map((operation) => `${services[0] ?? ''}:${operation}`))];
}
