import { EC2Client } from '@aws-sdk/client-ec2';
import { LookupScopeRefusedError } from '../errors.js';
import { CommandFailure } from './cli-io.js';

/**
 * Checks that an SDK client has a Region before the first call, so a missing one is said once in
 * words a user can act on instead of as the SDK's "Region is missing" from deep in a batch.
 *
 * @example await requireAwsRegion(new EC2Client({}), '--live') // throws CommandFailure('--live needs an AWS Region: ...') without one
 */
export async function requireAwsRegion(client: { readonly config: { region(): Promise<string> } }, needer: string): Promise<void> {
  try {
    await client.config.region();
  } catch (error) {
    throw new CommandFailure(`${needer} needs an AWS Region: set AWS_REGION or a region in the profile`, { cause: error });
  }
}

/** The EC2 client of a command: the injected one, else the default credential chain and Region; checked for a Region. */
export async function ec2ClientFor(create: (() => EC2Client) | undefined, needer: string): Promise<EC2Client> {
  const client = (create ?? (() => new EC2Client({})))();
  await requireAwsRegion(client, needer);
  return client;
}

/**
 * Keeps the last error an SDK client's calls ended with (after the SDK's own retries: a
 * credential refusal, a connection refused, a throttling answer), so a command that only sees a
 * failed look-up downstream can still say why, by name and message. SDK errors hold no secrets.
 * Clients given the same `shared` record keep one last error (the clients of several accounts);
 * an account whose role was refused is said apart (AccountRoleRefusals), so it is not kept here.
 *
 * @example const errors = recordSdkErrors(ec2); ...; describeCause(errors.last())
 */
export function recordSdkErrors(client: { readonly middlewareStack: EC2Client['middlewareStack'] }, shared: { last?: unknown } = {}): { last(): unknown } {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!(error instanceof LookupScopeRefusedError)) shared.last = error;
        throw error;
      }
    },
    { step: 'initialize', name: 'vpcFlowLogAppenderCliErrorRecorder' },
  );
  return { last: () => shared.last };
}
