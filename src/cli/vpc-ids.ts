import { UsageError } from './cli-io.js';

/**
 * The `--vpc-id` values of `snapshot` and `report --live`, each checked to be a VPC id.
 *
 * @example parseVpcIds(['vpc-0a1b2c3d']) // ['vpc-0a1b2c3d']
 */
export function parseVpcIds(values: readonly string[] | undefined): string[] {
  const vpcIds = [...(values ?? [])];
  const malformed = vpcIds.find((vpcId) => !/^vpc-[0-9a-f]+$/.test(vpcId));
  if (malformed !== undefined) throw new UsageError(`--vpc-id: "${malformed}" is not a VPC id (vpc-...)`);
  return vpcIds;
}
