// The bundled subscription events are what their generator writes, and its --check says so.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generateSampleSubscriptionEvents, MALFORMED_LOG_EVENTS, staleSubscriptionEvents } from '../../../scripts/generate-sample-subscription-events.js';
import { readSubscriptionEventsDirectory } from '../../../src/local-pipeline/subscription-events-directory.js';
import { temporaryDirectory } from '../cli/cli-harness.js';

const DIRECTORY = 'events/sample/subscription-events';

describe('events/sample/subscription-events', () => {
  it('is what scripts/generate-sample-subscription-events.ts writes', () => {
    expect(staleSubscriptionEvents(DIRECTORY)).toEqual([]);
  });

  it('passes the generator --check', () => {
    // Throws (and fails the test) when --check exits non-zero.
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/generate-sample-subscription-events.ts', '--check'], { stdio: 'pipe' });
  });

  it('reads as two log groups, one with a custom format, and every event file', async () => {
    const directory = await readSubscriptionEventsDirectory(DIRECTORY);

    expect([...directory.logGroups.keys()]).toEqual(['/vpc/flow-logs', '/vpc/flow-logs-v5']);
    expect(directory.logGroups.get('/vpc/flow-logs-v5')?.format).toContain('${flow-direction}');
    expect(directory.events).toHaveLength(Object.keys(generateSampleSubscriptionEvents()).length - 1);
    expect(MALFORMED_LOG_EVENTS.length).toBeGreaterThanOrEqual(3);
  });
});

describe('staleSubscriptionEvents', () => {
  it('names a changed event and a stray file', () => {
    const folder = temporaryDirectory();
    try {
      for (const [name, content] of Object.entries(generateSampleSubscriptionEvents())) folder.write(name, content);
      folder.write('0001-vpc-flow-logs-eni-0a1b2c3d4e5f60001-all.json', '{"awslogs":{"data":""}}\n');
      folder.write('9999-extra.json', '{}\n');

      expect(staleSubscriptionEvents(folder.path('')).sort()).toEqual(['0001-vpc-flow-logs-eni-0a1b2c3d4e5f60001-all.json', '9999-extra.json']);
    } finally {
      folder.remove();
    }
  });
});
