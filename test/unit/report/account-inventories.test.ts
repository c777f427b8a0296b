import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SecurityGroupRule } from '../../../src/ports.js';
import { describeCrossAccountReference, mergeAccountInventories, type AccountInventory } from '../../../src/report/account-inventories.js';
import { securityGroupRule } from '../../support/ec2-builders.js';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

/** An account with one group `sg-<account>` holding the given rules, and one interface in it. */
function accountInventory(accountId: string, rules: readonly SecurityGroupRule[] = []): AccountInventory {
  const groupId = `sg-${accountId}`;
  return {
    accountId,
    rulesByGroup: new Map([[groupId, rules.map((rule) => ({ ...rule, group_id: groupId }))]]),
    interfaceGroups: new Map([[`eni-${accountId}`, [groupId]]]),
    groupMembers: new Map([[groupId, [`10.${Number(accountId[0])}.0.1`]]]),
  };
}

function groupReference(ruleId: string, peerGroupId: string, userId?: string, peering?: string): SecurityGroupRule {
  return securityGroupRule({
    rule_id: ruleId,
    peer: { kind: 'security_group', group_id: peerGroupId, ...(userId === undefined ? {} : { user_id: userId }), ...(peering === undefined ? {} : { vpc_peering_connection_id: peering }) },
  });
}

describe('mergeAccountInventories', () => {
  it('keeps every rule, interface and group with the account it came from', () => {
    const merged = mergeAccountInventories([accountInventory(A, [securityGroupRule({ rule_id: 'sgr-a' })]), accountInventory(B, [securityGroupRule({ rule_id: 'sgr-b' })])]);

    expect(merged.rules.map((rule) => [rule.rule_id, rule.group_id])).toEqual([['sgr-a', `sg-${A}`], ['sgr-b', `sg-${B}`]]);
    expect(merged.accountOfGroup).toEqual(new Map([[`sg-${A}`, A], [`sg-${B}`, B]]));
    expect(merged.accountOfInterface).toEqual(new Map([[`eni-${A}`, A], [`eni-${B}`, B]]));
    expect(merged.conflicts).toEqual([]);
  });

  it('says which rules allow another account\'s group, and resolves the peer\'s members from its own account when it was read', () => {
    const merged = mergeAccountInventories([accountInventory(A, [groupReference('sgr-peer', `sg-${B}`, B, 'pcx-0a1b2c3d')]), accountInventory(B)]);

    expect(merged.crossAccountReferences).toEqual([
      { ruleId: 'sgr-peer', groupId: `sg-${A}`, accountId: A, peerGroupId: `sg-${B}`, peerAccountId: B, peeringConnectionId: 'pcx-0a1b2c3d', peerKnown: true },
    ]);
    expect(merged.groupMembers.get(`sg-${B}`)).toEqual(['10.2.0.1']);
    expect(merged.peerResolved(merged.rules[0] as SecurityGroupRule)).toBe(true);
  });

  it('never judges a rule whose peer group belongs to an account that was not read', () => {
    const merged = mergeAccountInventories([accountInventory(A, [groupReference('sgr-far', 'sg-0c0c0c0c', C), securityGroupRule({ rule_id: 'sgr-cidr' })])]);

    const [far, cidr] = merged.rules;
    expect(merged.peerResolved(far as SecurityGroupRule)).toBe(false);
    expect(merged.peerResolved(cidr as SecurityGroupRule)).toBe(true);
    expect(merged.crossAccountReferences.map(describeCrossAccountReference)).toEqual([
      `sgr-far (sg-${A}, account ${A}) allows group sg-0c0c0c0c of account ${C}, not read: the rule is not judged`,
    ]);
  });

  it('does not call a reference to a group of the same account cross-account', () => {
    const merged = mergeAccountInventories([accountInventory(A, [groupReference('sgr-self', `sg-${A}`, A)])]);

    expect(merged.crossAccountReferences).toEqual([]);
  });

  it('keeps an id seen in two accounts from the first and lists it as a conflict', () => {
    const first = accountInventory(A, [securityGroupRule({ rule_id: 'sgr-a' })]);
    const second: AccountInventory = { ...accountInventory(B), rulesByGroup: new Map([[`sg-${A}`, [securityGroupRule({ rule_id: 'sgr-other', group_id: `sg-${A}` })]]]) };

    const merged = mergeAccountInventories([first, second]);

    expect(merged.rules.map((rule) => rule.rule_id)).toEqual(['sgr-a']);
    expect(merged.conflicts).toEqual([`sg-${A}`]);
  });

  it('whatever the accounts, every rule of a group held by one account is kept once, and every unresolved rule is a cross-account reference to an unread account', () => {
    const accountIds = fc.constantFrom(A, B, C, '444444444444');
    const rule = fc.record({ id: fc.integer({ min: 0, max: 1000 }), peerAccount: fc.option(accountIds, { nil: undefined }) });
    fc.assert(
      fc.property(fc.uniqueArray(accountIds, { minLength: 1, maxLength: 3 }), fc.array(rule, { maxLength: 20 }), (accounts, rules) => {
        const inventories = accounts.map((accountId, index) =>
          accountInventory(
            accountId,
            rules
              .filter((_, ruleIndex) => ruleIndex % accounts.length === index)
              .map((spec) => (spec.peerAccount === undefined ? securityGroupRule({ rule_id: `sgr-${accountId}-${spec.id}` }) : groupReference(`sgr-${accountId}-${spec.id}`, `sg-${spec.peerAccount}`, spec.peerAccount))),
          ),
        );
        const merged = mergeAccountInventories(inventories);
        const expected = inventories.flatMap((inventory) => [...inventory.rulesByGroup.values()].flat().map((kept) => kept.rule_id));
        expect(merged.rules.map((kept) => kept.rule_id)).toEqual(expected);
        for (const kept of merged.rules) {
          if (merged.peerResolved(kept)) continue;
          const reference = merged.crossAccountReferences.find((candidate) => candidate.ruleId === kept.rule_id);
          expect(reference?.peerKnown).toBe(false);
          expect(accounts).not.toContain(reference?.peerAccountId);
        }
      }),
    );
  });
});
