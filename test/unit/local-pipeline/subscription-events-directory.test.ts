import { describe, expect, it } from 'vitest';
import { EventsDirectoryError, readSubscriptionEventsDirectory } from '../../../src/local-pipeline/subscription-events-directory.js';
import { temporaryDirectory } from '../cli/cli-harness.js';

async function withFolder(files: Record<string, string>, act: (path: string) => Promise<void>): Promise<void> {
  const folder = temporaryDirectory();
  try {
    for (const [name, content] of Object.entries(files)) folder.write(name, content);
    await act(folder.path(''));
  } finally {
    folder.remove();
  }
}

describe('readSubscriptionEventsDirectory', () => {
  it('reads the events in file-name order and the log groups file apart', async () => {
    await withFolder(
      { 'b.json': '{"awslogs":{"data":"b"}}', 'a.json': '{"awslogs":{"data":"a"}}', 'log-groups.json': '{"logGroups":{"/g":{"deliveryStreamName":"s","format":"${srcaddr}"}}}', 'notes.txt': 'x' },
      async (path) => {
        const directory = await readSubscriptionEventsDirectory(path);

        expect(directory.events.map((event) => event.name)).toEqual(['a.json', 'b.json']);
        expect([...directory.logGroups]).toEqual([['/g', { deliveryStreamName: 's', format: '${srcaddr}' }]]);
      },
    );
  });

  it('works without a log groups file', async () => {
    await withFolder({ 'a.json': '{}' }, async (path) => {
      expect((await readSubscriptionEventsDirectory(path)).logGroups.size).toBe(0);
    });
  });

  it.each([
    [{ 'a.json': 'not json' }, 'not readable JSON'],
    [{}, 'no subscription event'],
    [{ 'a.json': '{}', 'log-groups.json': '{"logGroups":{"/g":{"format":"x"}}}' }, 'deliveryStreamName'],
    [{ 'a.json': '{}', 'log-groups.json': '[]' }, 'expected {"logGroups"'],
  ])('refuses %j with an EventsDirectoryError naming the problem', async (files, message) => {
    await withFolder(files, async (path) => {
      const read = readSubscriptionEventsDirectory(path);

      await expect(read).rejects.toThrow(EventsDirectoryError);
      await expect(read).rejects.toThrow(message);
    });
  });

  it('refuses a folder that does not exist', async () => {
    await expect(readSubscriptionEventsDirectory('no/such/folder')).rejects.toThrow(EventsDirectoryError);
  });
});
