/**
 * A loopback HTTP server that answers EC2's query protocol the way EC2 does, for wire-level
 * tests and benchmarks: the real `EC2Client`, pointed here through `AWS_ENDPOINT_URL_EC2`,
 * serialises the request, parses the XML and retries as it would against AWS.
 *
 * Requests are form-encoded POSTs (`Action=DescribeNetworkInterfaces&Filter.1.Name=...&
 * Filter.1.Value.1=...&MaxResults=...&NextToken=...`); answers are XML in the ec2 namespace
 * (`<networkInterfaceSet><item>...</item></networkInterfaceSet><nextToken>...`), errors are
 * `<Response><Errors><Error><Code>...` with EC2's status codes. What it enforces, as EC2 does:
 * at most 200 filter values per call, `MaxResults` from 5 to 1000 and not with
 * `NetworkInterfaceId.N`, and `InvalidNetworkInterfaceID.NotFound` for an unknown id given by
 * `NetworkInterfaceId.N` (a filter just matches nothing).
 *
 * @example
 * const server = await startEc2LoopbackServer({ networkInterfaces: [ec2NetworkInterface()], failFirst: 1 });
 * const restore = pointEc2ClientsAt(server.url);
 * // ... new EC2Client({}) now talks to the server; server.calls lists what it received
 * restore();
 * await server.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { NetworkInterface, SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { listenOnLoopback, pointClientsAt, readRequestBody, sendXml } from './loopback-http.js';

export interface Ec2LoopbackServerOptions {
  /** The interfaces DescribeNetworkInterfaces knows, in the SDK's (or AWS CLI JSON's) shape. */
  readonly networkInterfaces?: readonly NetworkInterface[];
  /** The rules DescribeSecurityGroupRules knows, in the SDK's (or AWS CLI JSON's) shape. */
  readonly securityGroupRules?: readonly SecurityGroupRule[];
  /** The groups DescribeSecurityGroups knows, in the SDK's (or AWS CLI JSON's) shape. */
  readonly securityGroups?: readonly SecurityGroup[];
  /** The first `failFirst` requests get HTTP 503 `RequestLimitExceeded`, as from a throttled account. */
  readonly failFirst?: number;
  /** Pages never hold more than this, whatever `MaxResults` asks, so that few items span pages. */
  readonly maxPageSize?: number;
  /** Never answer: every request is recorded (status 0) and left open, as from a hung EC2. */
  readonly hang?: boolean;
}

/** One request as received: its action and every form parameter. */
export interface Ec2LoopbackCall {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  /** The HTTP status answered: a throttled attempt the SDK retried is a call too. */
  readonly status: number;
}

export interface Ec2LoopbackServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_EC2`. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly calls: readonly Ec2LoopbackCall[];
  close(): Promise<void>;
}

/** EC2's limit on filter values per call; see src/adapters/ec2-client.ts. */
const MAX_FILTER_VALUES = 200;
const EC2_XML_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

class Ec2Fault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'Ec2Fault';
  }
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startEc2LoopbackServer(options: Ec2LoopbackServerOptions = {}): Promise<Ec2LoopbackServer> {
  const calls: Ec2LoopbackCall[] = [];
  let failuresLeft = options.failFirst ?? 0;

  const server = createServer((request, response) => {
    void readRequestBody(request).then((body) => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const action = params.Action ?? '';
      if (options.hang === true) {
        calls.push({ action, params, status: 0 });
        return;
      }
      let status = 200;
      let xml: string;
      try {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Ec2Fault(503, 'RequestLimitExceeded', 'Request limit exceeded.');
        }
        xml = answer(action, params, options);
      } catch (error) {
        // A bug here must show as a failed call in the test, not as a hung request.
        const fault = error instanceof Ec2Fault ? error : new Ec2Fault(500, 'InternalError', String(error));
        status = fault.status;
        xml = errorXml(fault);
      }
      calls.push({ action, params, status });
      sendXml(response, status, xml);
    });
  });

  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    calls,
    close,
  };
}

/**
 * Points every `EC2Client` created from now on at `url` through the standard
 * `AWS_ENDPOINT_URL_EC2` variable; returns a function that restores the previous value.
 */
export function pointEc2ClientsAt(url: string): () => void {
  return pointClientsAt('EC2', url);
}

/** The values of the request's filter called `name` (`Filter.N.Name` / `Filter.N.Value.M`), in order. */
export function filterValues(params: Readonly<Record<string, string>>, name: string): string[] {
  for (let filter = 1; params[`Filter.${filter}.Name`] !== undefined; filter += 1) {
    if (params[`Filter.${filter}.Name`] === name) return listParam(params, `Filter.${filter}.Value`);
  }
  return [];
}

function listParam(params: Readonly<Record<string, string>>, prefix: string): string[] {
  const values: string[] = [];
  for (let index = 1; params[`${prefix}.${index}`] !== undefined; index += 1) values.push(params[`${prefix}.${index}`] ?? '');
  return values;
}

function answer(action: string, params: Readonly<Record<string, string>>, options: Ec2LoopbackServerOptions): string {
  const filterValueCount = Object.keys(params).filter((key) => /^Filter\.\d+\.Value\.\d+$/.test(key)).length;
  if (filterValueCount > MAX_FILTER_VALUES) {
    throw new Ec2Fault(400, 'FilterLimitExceeded', `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`);
  }
  switch (action) {
    case 'DescribeNetworkInterfaces': {
      const ids = listParam(params, 'NetworkInterfaceId');
      if (ids.length > 0 && params.MaxResults !== undefined) {
        throw new Ec2Fault(400, 'InvalidParameterCombination', 'The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults');
      }
      const inventory = options.networkInterfaces ?? [];
      const known = new Set(inventory.map((item) => item.NetworkInterfaceId));
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new Ec2Fault(400, 'InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${unknown.join(',')}' does not exist`);
      }
      const matching = inventory.filter(
        (item) =>
          (ids.length === 0 || ids.includes(item.NetworkInterfaceId ?? '')) &&
          matchesFilters(params, {
            'network-interface-id': [item.NetworkInterfaceId],
            'group-id': (item.Groups ?? []).map((group) => group.GroupId),
            'vpc-id': [item.VpcId],
            'subnet-id': [item.SubnetId],
          }),
      );
      return pagedXml(action, 'NetworkInterfaces', matching, params, options);
    }
    case 'DescribeSecurityGroupRules': {
      const matching = (options.securityGroupRules ?? []).filter((rule) =>
        matchesFilters(params, { 'group-id': [rule.GroupId], 'security-group-rule-id': [rule.SecurityGroupRuleId] }),
      );
      return pagedXml(action, 'SecurityGroupRules', matching, params, options);
    }
    case 'DescribeSecurityGroups': {
      const matching = (options.securityGroups ?? []).filter((group) => matchesFilters(params, { 'group-id': [group.GroupId], 'vpc-id': [group.VpcId] }));
      // A group's Description is <groupDescription> in EC2's XML, unlike an interface's <description>.
      const renamed = matching.map(({ Description, ...group }) => ({ ...group, GroupDescription: Description }));
      return pagedXml(action, 'SecurityGroups', renamed, params, options);
    }
    default:
      throw new Ec2Fault(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
  }
}

/** Values inside one filter are OR-ed, filters are AND-ed; an unknown filter name is refused. */
function matchesFilters(params: Readonly<Record<string, string>>, attributes: Readonly<Record<string, readonly (string | undefined)[]>>): boolean {
  for (let filter = 1; params[`Filter.${filter}.Name`] !== undefined; filter += 1) {
    const name = params[`Filter.${filter}.Name`] ?? '';
    const own = attributes[name];
    if (own === undefined) throw new Ec2Fault(400, 'InvalidParameterValue', `The filter '${name}' is invalid`);
    const wanted = listParam(params, `Filter.${filter}.Value`);
    if (!own.some((value) => value !== undefined && wanted.includes(value))) return false;
  }
  return true;
}

function pagedXml(action: string, listName: string, items: readonly object[], params: Readonly<Record<string, string>>, options: Ec2LoopbackServerOptions): string {
  let pageSize = items.length;
  if (params.MaxResults !== undefined) {
    const maxResults = Number(params.MaxResults);
    if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 1000) {
      throw new Ec2Fault(400, 'InvalidParameterValue', `Value ( ${params.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    }
    pageSize = maxResults;
  }
  pageSize = Math.min(pageSize, options.maxPageSize ?? Number.POSITIVE_INFINITY);
  const start = params.NextToken === undefined ? 0 : offsetOf(params.NextToken);
  const end = start + pageSize;
  const nextToken = end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${action}Response xmlns="${EC2_XML_NAMESPACE}">`,
    `<requestId>${randomUUID()}</requestId>`,
    toXml(listName, items.slice(start, end)),
    nextToken === undefined ? '' : `<nextToken>${nextToken}</nextToken>`,
    `</${action}Response>`,
  ].join('');
}

function offsetOf(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (match === null) throw new Ec2Fault(400, 'InvalidNextToken', 'The token is invalid');
  return Number(match[1]);
}

/** SDK member names whose XML element EC2 names differently; all others lower the first letter. */
const XML_NAMES: Readonly<Record<string, string>> = {
  NetworkInterfaces: 'networkInterfaceSet',
  SecurityGroupRules: 'securityGroupRuleSet',
  SecurityGroups: 'securityGroupInfo',
  UserIdGroupPairs: 'groups',
  Groups: 'groupSet',
  PrivateIpAddresses: 'privateIpAddressesSet',
  Ipv6Addresses: 'ipv6AddressesSet',
  Ipv4Prefixes: 'ipv4PrefixSet',
  Ipv6Prefixes: 'ipv6PrefixSet',
  Tags: 'tagSet',
  AssociatedSubnets: 'associatedSubnetSet',
};

/** EC2's XML for an SDK-shaped value: lists as `<item>`s, dates in ISO-8601, text escaped. */
function toXml(member: string, value: unknown): string {
  const element = XML_NAMES[member] ?? member.charAt(0).toLowerCase() + member.slice(1);
  if (Array.isArray(value)) return `<${element}>${value.map((item) => toXml('item', item)).join('')}</${element}>`;
  if (value instanceof Date) return `<${element}>${value.toISOString()}</${element}>`;
  if (typeof value === 'object' && value !== null) {
    const children = Object.entries(value)
      .filter(([key, child]) => child !== undefined && !key.startsWith('_'))
      .map(([key, child]) => toXml(key, child))
      .join('');
    return `<${element}>${children}</${element}>`;
  }
  return `<${element}>${escapeXml(String(value))}</${element}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function errorXml(fault: Ec2Fault): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${fault.code}</Code><Message>${escapeXml(fault.message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
}

