import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventsDirectoryError } from './errors.js';
export { EventsDirectoryError } from './errors.js';

/** The file of an events directory that maps log groups to delivery streams and formats. */
export const LOG_GROUPS_FILE = 'log-groups.json';

/** Where a log group's subscription delivers: one ingestor, stream and decorator per log group. */
export interface LogGroupRoute {
  readonly deliveryStreamName: string;
  /** The flow log's LogFormat, the decorator's FLOW_LOG_FORMAT; absent: the default format. */
  readonly format?: string;
}

/** A subscription event as CloudWatch Logs hands it to the ingestor, and the file it came from. */
export interface SubscriptionEventFile {
  readonly name: string;
  readonly event: unknown;
}

export interface SubscriptionEventsDirectory {
  readonly logGroups: ReadonlyMap<string, LogGroupRoute>;
  /** In file-name order: the order of delivery. */
  readonly events: readonly SubscriptionEventFile[];
}

/**
 * Reads a directory of CloudWatch Logs subscription events (`{"awslogs":{"data":...}}`, as
 * `sam local invoke` takes them), every `*.json` file but log-groups.json, in file-name order.
 * log-groups.json (optional) maps each log group to `{ deliveryStreamName, format? }`; a log group
 * it does not name gets a stream named after it and the default format.
 *
 * @example
 * const { logGroups, events } = await readSubscriptionEventsDirectory('events/sample/subscription-events');
 */
export async function readSubscriptionEventsDirectory(directory: string): Promise<SubscriptionEventsDirectory> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new EventsDirectoryError(`${directory}: cannot read the events directory (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const readJson = async (name: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(join(directory, name), 'utf8')) as unknown;
    } catch (error) {
      throw new EventsDirectoryError(`${join(directory, name)}: not readable JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
  };
  const logGroups = names.includes(LOG_GROUPS_FILE) ? toLogGroupRoutes(await readJson(LOG_GROUPS_FILE), join(directory, LOG_GROUPS_FILE)) : new Map<string, LogGroupRoute>();
  const events: SubscriptionEventFile[] = [];
  for (const name of names) {
    if (name !== LOG_GROUPS_FILE) events.push({ name, event: await readJson(name) });
  }
  if (events.length === 0) throw new EventsDirectoryError(`${directory}: no subscription event (*.json) in the directory`);
  return { logGroups, events };
}

function toLogGroupRoutes(value: unknown, file: string): Map<string, LogGroupRoute> {
  const groups = typeof value === 'object' && value !== null && 'logGroups' in value ? value.logGroups : undefined;
  if (typeof groups !== 'object' || groups === null) throw new EventsDirectoryError(`${file}: expected {"logGroups": {"<log group>": {"deliveryStreamName": "...", "format": "..."}}}`);
  const routes = new Map<string, LogGroupRoute>();
  for (const [logGroup, route] of Object.entries(groups as Record<string, unknown>)) {
    const { deliveryStreamName, format } = (typeof route === 'object' && route !== null ? route : {}) as Record<string, unknown>;
    if (typeof deliveryStreamName !== 'string' || (format !== undefined && typeof format !== 'string')) {
      throw new EventsDirectoryError(`${file}: log group ${logGroup} needs a string deliveryStreamName and, optionally, a string format`);
    }
    routes.set(logGroup, { deliveryStreamName, ...(format === undefined ? {} : { format }) });
  }
  return routes;
}
