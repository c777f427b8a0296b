import { parseFormatString, type FlowLogFormat } from '../flow-log/index.js';
import { UsageError } from './cli-io.js';

/** A field name as the header line of an S3 flow-log file spells it (`version`, `account-id`, `pkt-srcaddr`). */
const HEADER_FIELD_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The `--log-format` of `enrich` and `report`, in either spelling a user has at hand: the
 * LogFormat of the flow log's definition (`${version} ${srcaddr} ...`) or the header line at the
 * top of its S3 files (`version srcaddr ...`). Both go through the one format parser, so both are
 * checked the same way; undefined when the option was not given.
 *
 * @example parseLogFormatOption('version srcaddr dstaddr', '--log-format')?.text // '${version} ${srcaddr} ${dstaddr}'
 */
export function parseLogFormatOption(text: string | undefined, optionName: string): FlowLogFormat | undefined {
  if (text === undefined) return undefined;
  const tokens = text.trim().split(/\s+/).filter((token) => token !== '');
  const headerStyle = tokens.length > 0 && !text.includes('$') && tokens.every((token) => HEADER_FIELD_NAME.test(token));
  const result = parseFormatString(headerStyle ? tokens.map((name) => `\${${name}}`).join(' ') : text);
  if (!result.ok) throw new UsageError(`${optionName}: ${result.error.message}`);
  return result.value;
}
