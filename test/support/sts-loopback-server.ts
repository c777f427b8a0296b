/**
 * A loopback STS speaking the query protocol (form-encoded POSTs, XML answers in the STS
 * namespace) for AssumeRole and GetCallerIdentity, and a loopback EC2 "organisation" in front of
 * one EC2 loopback server per account that routes each request by the access key it is signed
 * with. Together they check that a look-up in an account carries that account's credentials:
 * an unknown, expired or other account's key is refused with EC2's AuthFailure.
 *
 * @example
 * const sts = await startStsLoopbackServer({ ownAccountId: '999999999999', roles: { '111111111111': 'arn:aws:iam::111111111111:role/lookup' }, clock });
 * const ec2 = await startOrganisationEc2Server(sts, { '111111111111': { networkInterfaces: [...] } });
 * // AWS_ENDPOINT_URL_STS = sts.url, AWS_ENDPOINT_URL_EC2 = ec2.url
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { startEc2LoopbackServer, type Ec2LoopbackServer, type Ec2LoopbackServerOptions } from './ec2-loopback-server.js';
import { listenOnLoopback, readRequestBody, sendXml } from './loopback-http.js';

const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The function's own long-term key: what its STS and own-account EC2 calls are signed with. */
export const OWN_ACCESS_KEY_ID = 'AKIAOWNACCOUNTKEY000';
export const OWN_SECRET_ACCESS_KEY = 'own-secret-access-key';

export interface StsLoopbackOptions {
  readonly ownAccountId: string;
  /** The key the function's own calls are signed with; default OWN_ACCESS_KEY_ID (the CLI's tests: the environment's). */
  readonly ownAccessKeyId?: string;
  /** The role each account has (and trusts us in); an account without one is refused with AccessDenied. */
  readonly roles: Readonly<Record<string, string>>;
  /** When set, AssumeRole refuses a call without this ExternalId, as a member role's condition would. */
  readonly externalId?: string;
  /** Issue times and expiry are read from it, so a test moves time on without waiting. */
  readonly clock: { now(): number };
  /** How long issued credentials last; default 1 hour. */
  readonly sessionMs?: number;
}

export interface IssuedKey {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly sessionToken: string;
  readonly expiresAt: number;
}

export interface StsCall {
  readonly action: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  /** The access key the request was signed with. */
  readonly signedWith: string;
}

export interface StsLoopbackServer {
  readonly url: string;
  readonly calls: readonly StsCall[];
  /** Every key issued, in order. */
  readonly issued: readonly IssuedKey[];
  /** The account whose key signed a request, when that key is known and has not expired; else why not. */
  accountOf(accessKeyId: string, sessionToken: string | undefined): { accountId: string } | { refusal: string };
  close(): Promise<void>;
}

/** Starts the STS fake on 127.0.0.1 and a free port. */
export async function startStsLoopbackServer(options: StsLoopbackOptions): Promise<StsLoopbackServer> {
  const calls: StsCall[] = [];
  const issued: IssuedKey[] = [];
  const sessionMs = options.sessionMs ?? 3_600_000;
  const ownAccessKeyId = options.ownAccessKeyId ?? OWN_ACCESS_KEY_ID;
  const server = createServer((request, response) => {
    void readRequestBody(request).then((body) => {
      const params = Object.fromEntries(new URLSearchParams(body));
      const action = params.Action ?? '';
      const signedWith = accessKeyOf(request) ?? '';
      const reply = (status: number, xml: string): void => {
        calls.push({ action, params, status, signedWith });
        sendXml(response, status, xml);
      };
      if (signedWith !== ownAccessKeyId) {
        reply(403, stsError('InvalidClientTokenId', 'The security token included in the request is invalid.'));
        return;
      }
      if (action === 'GetCallerIdentity') {
        reply(
          200,
          `<GetCallerIdentityResponse xmlns="${STS_XML_NAMESPACE}"><GetCallerIdentityResult><Arn>arn:aws:sts::${options.ownAccountId}:assumed-role/decorator/fn</Arn><UserId>AROAOWN:fn</UserId><Account>${options.ownAccountId}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
        return;
      }
      if (action !== 'AssumeRole') {
        reply(400, stsError('InvalidAction', `Could not find operation ${action}`));
        return;
      }
      const roleArn = params.RoleArn ?? '';
      const accountId = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1];
      const known = accountId !== undefined && options.roles[accountId] === roleArn;
      if (!known || (options.externalId !== undefined && params.ExternalId !== options.externalId)) {
        reply(
          403,
          stsError('AccessDenied', `User: arn:aws:sts::${options.ownAccountId}:assumed-role/decorator/fn is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`),
        );
        return;
      }
      const now = options.clock.now();
      const serial = String(issued.length).padStart(4, '0');
      const key: IssuedKey = {
        accountId,
        accessKeyId: `ASIA${accountId}${serial}`,
        sessionToken: `session-${accountId}-${serial}`,
        expiresAt: now + Math.min(sessionMs, Number(params.DurationSeconds ?? 3600) * 1000),
      };
      issued.push(key);
      reply(
        200,
        `<AssumeRoleResponse xmlns="${STS_XML_NAMESPACE}"><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::${accountId}:assumed-role/lookup/${params.RoleSessionName ?? ''}</Arn><AssumedRoleId>AROA${accountId}:${params.RoleSessionName ?? ''}</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${key.accessKeyId}</AccessKeyId><SecretAccessKey>secret-${accountId}-${serial}</SecretAccessKey><SessionToken>${key.sessionToken}</SessionToken><Expiration>${new Date(key.expiresAt).toISOString()}</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    calls,
    issued,
    accountOf(accessKeyId, sessionToken) {
      if (accessKeyId === ownAccessKeyId) return { accountId: options.ownAccountId };
      const key = issued.find((candidate) => candidate.accessKeyId === accessKeyId);
      if (key === undefined || key.sessionToken !== sessionToken) return { refusal: 'AuthFailure' };
      if (options.clock.now() >= key.expiresAt) return { refusal: 'RequestExpired' };
      return { accountId: key.accountId };
    },
    close,
  };
}

export interface OrganisationEc2Server {
  readonly url: string;
  /** Each account's own EC2 server: what it was asked. */
  readonly accounts: Readonly<Record<string, Ec2LoopbackServer>>;
  /** Requests refused for their credentials, with the reason. */
  readonly refusals: readonly { readonly accessKeyId: string; readonly reason: string }[];
  close(): Promise<void>;
}

/** EC2 for several accounts at one address: each request goes to the EC2 of the account whose key signed it. */
export async function startOrganisationEc2Server(sts: StsLoopbackServer, inventories: Readonly<Record<string, Ec2LoopbackServerOptions>>): Promise<OrganisationEc2Server> {
  const accounts: Record<string, Ec2LoopbackServer> = {};
  for (const [accountId, inventory] of Object.entries(inventories)) accounts[accountId] = await startEc2LoopbackServer(inventory);
  const refusals: { accessKeyId: string; reason: string }[] = [];
  const server = createServer((request, response) => {
    void readRequestBody(request).then((body) => {
      const accessKeyId = accessKeyOf(request) ?? '';
      const token = request.headers['x-amz-security-token'];
      const owner = sts.accountOf(accessKeyId, typeof token === 'string' ? token : undefined);
      const target = 'accountId' in owner ? accounts[owner.accountId] : undefined;
      if (target === undefined) {
        const reason = 'refusal' in owner ? owner.refusal : 'AuthFailure';
        refusals.push({ accessKeyId, reason });
        const xml = `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${reason}</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
        sendXml(response, 401, xml);
        return;
      }
      const forwarded = httpRequest(`${target.url}/`, { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' } }, (answer) => {
        void readRequestBody(answer).then((text) => sendXml(response, answer.statusCode ?? 500, text));
      });
      forwarded.end(body);
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    accounts,
    refusals,
    async close() {
      await close();
      for (const account of Object.values(accounts)) await account.close();
    },
  };
}

/** The access key id of a SigV4 `Authorization` header (`Credential=AKID/date/region/service/aws4_request`). */
function accessKeyOf(request: IncomingMessage): string | undefined {
  return /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];
}

function stsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="${STS_XML_NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

