/** Flows of one security group among the delivered documents. */
export interface SecurityGroupFlows {
  readonly groupId: string;
  readonly groupName: string;
  readonly flows: number;
}

/** Rejected flows from one source address among the delivered documents. */
export interface RejectedSource {
  readonly address: string;
  readonly flows: number;
}

/** What the delivered objects hold, counted from their bytes. */
export interface DeliveredDocumentTally {
  readonly documents: number;
  /** Delivered lines that are not JSON objects: should be none. */
  readonly unreadableLines: number;
  /** Every group, most flows first. */
  readonly flowsPerSecurityGroup: readonly SecurityGroupFlows[];
  /** Every source address of REJECT records, most flows first. */
  readonly rejectedSources: readonly RejectedSource[];
}

/**
 * Counts the documents of delivered NDJSON objects as they are written: per security group, and
 * rejected flows per source. Objects outside `deliveredPrefix` are ignored.
 *
 * @example
 * const tally = createDeliveredDocumentTally('delivered/');
 * tally.observe('delivered/2026/06/01/08/s-1-...', '{"action":"REJECT","srcaddr":"203.0.113.9"}\n');
 * tally.result().rejectedSources // [{ address: '203.0.113.9', flows: 1 }]
 */
export function createDeliveredDocumentTally(deliveredPrefix: string): { observe(key: string, body: string | Uint8Array): void; result(): DeliveredDocumentTally } {
  let documents = 0;
  let unreadableLines = 0;
  const groups = new Map<string, { groupName: string; flows: number }>();
  const rejected = new Map<string, number>();
  return {
    observe(key, body) {
      if (!key.startsWith(deliveredPrefix)) return;
      const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        let document: Record<string, unknown>;
        try {
          const parsed = JSON.parse(line) as unknown;
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
          document = parsed as Record<string, unknown>;
        } catch {
          unreadableLines += 1;
          continue;
        }
        documents += 1;
        const ids = Array.isArray(document.security_group_ids) ? (document.security_group_ids as unknown[]) : [];
        const names = Array.isArray(document.security_group_names) ? (document.security_group_names as unknown[]) : [];
        ids.forEach((id, index) => {
          if (typeof id !== 'string') return;
          const name = names[index];
          const entry = groups.get(id) ?? { groupName: typeof name === 'string' ? name : '', flows: 0 };
          entry.flows += 1;
          groups.set(id, entry);
        });
        if (document.action === 'REJECT' && typeof document.srcaddr === 'string') {
          rejected.set(document.srcaddr, (rejected.get(document.srcaddr) ?? 0) + 1);
        }
      }
    },
    result: () => ({
      documents,
      unreadableLines,
      flowsPerSecurityGroup: [...groups.entries()]
        .map(([groupId, { groupName, flows }]) => ({ groupId, groupName, flows }))
        .sort((a, b) => b.flows - a.flows || a.groupId.localeCompare(b.groupId)),
      rejectedSources: [...rejected.entries()].map(([address, flows]) => ({ address, flows })).sort((a, b) => b.flows - a.flows || a.address.localeCompare(b.address)),
    }),
  };
}
