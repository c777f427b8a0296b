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
  for (const source of reachableSources(entry)) for (const action of sdkActionsIn(source)) actions.add(action);
  return [...actions].sort();
}

/**
 * IAM actions (`es:ESHttpPost`) of the OpenSearch HTTP requests reachable from an entry module: the
 * request methods of every module that uses an OpenSearchHttp, the only way our code talks to a domain.
 *
 * @example openSearchActionsReachableFrom('reporter/index.ts') // ['es:ESHttpPost']
 */
export function openSearchActionsReachableFrom(entry: string): string[] {
  const actions = new Set<string>();
  for (const source of reachableSources(entry)) for (const action of openSearchActionsIn(source)) actions.add(action);
  return [...actions].sort();
}

/**
 * IAM actions of the OpenSearch HTTP requests in one module that uses an OpenSearchHttp: each request
 * method it writes (`{ method: 'POST', ... }`, comments aside) as `es:ESHttp` and the method.
 *
 * @example openSearchActionsIn("const http: OpenSearchHttp = h; await http.send({ method: 'POST', path })") // ['es:ESHttpPost']
 */
export function openSearchActionsIn(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  if (!code.includes('OpenSearchHttp')) return [];
  const methods = [...code.matchAll(/\{\s*method:\s*'([A-Z]+)'/g)].map((match) => match[1] ?? '');
  return [...new Set(methods.map((method) => `es:ESHttp${method.charAt(0)}${method.slice(1).toLowerCase()}`))];
}

/** The sources of an entry module and of every module of ours it imports (static or dynamic), once each. */
function reachableSources(entry: string): string[] {
  const sources: string[] = [];
  const seen = new Set<string>();
  const pending = [normalize(entry)];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    sources.push(source);
    for (const match of source.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)\.js'/g)) {
      const imported = join(dirname(path), `${match[1] ?? ''}.ts`);
      if (existsSync(imported)) pending.push(imported);
    }
  }
  return sources;
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
