import { describe, expect, it } from 'vitest';
import { createDeliveredDocumentTally } from '../../../src/local-pipeline/delivered-document-tally.js';

const document = (fields: Record<string, unknown>): string => `${JSON.stringify(fields)}\n`;

describe('createDeliveredDocumentTally', () => {
  it('counts flows per security group and rejected flows per source, most first', () => {
    const tally = createDeliveredDocumentTally('delivered/');

    tally.observe(
      'delivered/x',
      document({ action: 'REJECT', srcaddr: '203.0.113.9', security_group_ids: ['sg-1', 'sg-2'], security_group_names: ['web', 'ssh'] }) +
        document({ action: 'REJECT', srcaddr: '203.0.113.9', security_group_ids: ['sg-2'], security_group_names: ['ssh'] }) +
        document({ action: 'REJECT', srcaddr: '198.51.100.1' }),
    );
    tally.observe('delivered/y', Buffer.from(document({ action: 'ACCEPT', srcaddr: '198.51.100.2', security_group_ids: ['sg-2'], security_group_names: ['ssh'] })));

    expect(tally.result()).toEqual({
      documents: 4,
      unreadableLines: 0,
      flowsPerSecurityGroup: [
        { groupId: 'sg-2', groupName: 'ssh', flows: 3 },
        { groupId: 'sg-1', groupName: 'web', flows: 1 },
      ],
      rejectedSources: [
        { address: '203.0.113.9', flows: 2 },
        { address: '198.51.100.1', flows: 1 },
      ],
    });
  });

  it('ignores objects outside the delivered prefix and counts lines that are not JSON objects apart', () => {
    const tally = createDeliveredDocumentTally('delivered/');

    tally.observe('processing-failed/x', document({ action: 'REJECT', srcaddr: '203.0.113.9' }));
    tally.observe('delivered/x', 'not json\n[1]\n');

    expect(tally.result()).toMatchObject({ documents: 0, unreadableLines: 2, rejectedSources: [] });
  });
});
