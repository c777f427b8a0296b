import { ISM_TEMPLATE_PRIORITY, MANAGED_BY } from './constants.js';

export interface IsmState {
  readonly name: string;
  readonly actions: readonly Readonly<Record<string, unknown>>[];
  readonly transitions: readonly { readonly state_name: string; readonly conditions?: Readonly<Record<string, unknown>> }[];
}

/** The body of `PUT _plugins/_ism/policies/<id>`. */
export interface IsmPolicy {
  readonly policy: {
    readonly description: string;
    readonly default_state: string;
    readonly states: readonly IsmState[];
    readonly ism_template: readonly { readonly index_patterns: readonly string[]; readonly priority: number }[];
  };
}

export interface RetentionPolicyOptions {
  readonly indexPattern: string;
  /** Whole days, at least 1. */
  readonly retentionDays: number;
}

/**
 * An ISM policy that deletes each index matching the pattern `retentionDays` after the index was
 * created. With Firehose's daily rotation an index holds one day, so a day's flows are kept between
 * `retentionDays` and `retentionDays + 1` days. `ism_template` attaches the policy to indices
 * created from now on; indices that already exist need `POST _plugins/_ism/add/<pattern>`.
 *
 * @example
 * buildRetentionPolicy({ indexPattern: 'cwl-*', retentionDays: 30 }).policy.states[0].transitions
 * // [{ state_name: 'delete', conditions: { min_index_age: '30d' } }]
 */
export function buildRetentionPolicy(options: RetentionPolicyOptions): IsmPolicy {
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) {
    throw new RangeError(`retention must be a whole number of days, at least 1 (got ${options.retentionDays})`);
  }
  return {
    policy: {
      description: `Deletes VPC Flow Logs indices matching ${options.indexPattern} ${options.retentionDays} days after their creation. Managed by ${MANAGED_BY}.`,
      default_state: 'hot',
      states: [
        {
          name: 'hot',
          actions: [],
          transitions: [{ state_name: 'delete', conditions: { min_index_age: `${options.retentionDays}d` } }],
        },
        {
          name: 'delete',
          actions: [{ delete: {} }],
          transitions: [],
        },
      ],
      ism_template: [{ index_patterns: [options.indexPattern], priority: ISM_TEMPLATE_PRIORITY }],
    },
  };
}
