// Fakes of the scheduled report's ports: a window of lines, an inventory, an object store and a
// notifier in memory, each recording what it was asked, and a fixed clock.
import type { Clock, SecurityGroupRule } from '../../src/ports.js';
import type { LedgerWindow } from '../../src/report/index.js';
import type { ReportInventorySource, ReportNotifier, ReportObjectStore, ScheduledReportInventory, WindowLine, WindowLineSource } from '../../src/scheduled-report/index.js';
import type { ReportFlow } from '../../src/report/index.js';

/** The lines of `documents` (JSON, one a line) from one object, recording each window asked for. */
export function windowLinesOf(texts: readonly (string | { readonly oversizedBytes: number })[], source = 's3://delivery-bucket/flow-logs/year=2026/month=12/day=05/part-1.gz'): WindowLineSource & { readonly windows: LedgerWindow[] } {
  const windows: LedgerWindow[] = [];
  return {
    windows,
    async *linesOf(window): AsyncGenerator<WindowLine> {
      windows.push(window);
      for (const [index, text] of texts.entries()) yield await Promise.resolve({ source, lineNumber: index + 1, text });
    },
  };
}

/** An enriched document's line, as the decorator writes it to S3. */
export function documentLine(flow: ReportFlow): string {
  return JSON.stringify({ version: 2, account_id: '123456789012', ...flow });
}

export function fixedInventory(rules: readonly SecurityGroupRule[], overrides: Partial<ScheduledReportInventory> = {}): ReportInventorySource & { reads: number } {
  const source = {
    reads: 0,
    readInventory: () => {
      source.reads += 1;
      return Promise.resolve({ rules, unresolvedPrefixLists: [], ...overrides });
    },
  };
  return source;
}

export function memoryReportStore(bucket = 'delivery-bucket'): ReportObjectStore & { readonly objects: Map<string, { body: string; contentType: string }> } {
  const objects = new Map<string, { body: string; contentType: string }>();
  return {
    objects,
    putObject: (key, body, contentType) => {
      objects.set(key, { body, contentType });
      return Promise.resolve(`s3://${bucket}/${key}`);
    },
  };
}

export function recordingNotifier(): ReportNotifier & { readonly published: { subject: string; message: string }[] } {
  const published: { subject: string; message: string }[] = [];
  return {
    published,
    publish: (subject, message) => {
      published.push({ subject, message });
      return Promise.resolve();
    },
  };
}

export function fixedClock(isoTime: string): Clock {
  const now = Date.parse(isoTime);
  return { now: () => now };
}
