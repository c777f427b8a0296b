import type { FlowLogDocument } from '../flow-log/flow-log-document.js';
import { documentJsonText } from '../flow-log/document-factory.js';
import type { GeoLocation, SecurityGroupRule } from '../ports.js';
import { applyFlowEnrichment, EnrichmentSlot, hasEnrichmentKeys, type FlowEnrichment } from './enriched-flow-log.js';
import type { NetworkInterfaceFields } from './network-interface-fields.js';

/**
 * UTF-8 text built up record by record in one growing buffer, handed out as base64: no string
 * concatenation to flatten and no Buffer per record.
 */
export interface Utf8Output {
  /** Bytes written since the last clear. */
  readonly length: number;
  clear(): void;
  text(value: string): void;
  bytes(value: Uint8Array): void;
  /** Forgets the last `count` bytes. */
  drop(count: number): void;
  byteAt(position: number): number | undefined;
  /** Removes the byte at `position`. */
  remove(position: number): void;
  base64(): string;
  utf8(): string;
}

/** UTF-8 takes at most three bytes per UTF-16 code unit (a surrogate pair: four bytes for two). */
const MAX_UTF8_BYTES_PER_CODE_UNIT = 3;
const INITIAL_OUTPUT_BYTES = 64 * 1024;

/**
 * An empty Utf8Output.
 *
 * @example
 * const output = createUtf8Output();
 * output.text('{"a":1}');
 * output.base64(); // 'eyJhIjoxfQ=='
 */
export function createUtf8Output(): Utf8Output {
  let buffer = Buffer.allocUnsafe(INITIAL_OUTPUT_BYTES);
  let length = 0;
  const reserve = (bytes: number): void => {
    if (length + bytes <= buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(length + bytes, buffer.length * 2));
    buffer.copy(larger, 0, 0, length);
    buffer = larger;
  };
  return {
    get length() {
      return length;
    },
    clear() {
      length = 0;
    },
    text(value) {
      reserve(value.length * MAX_UTF8_BYTES_PER_CODE_UNIT);
      length += buffer.write(value, length);
    },
    bytes(value) {
      reserve(value.length);
      buffer.set(value, length);
      length += value.length;
    },
    drop(count) {
      length = Math.max(0, length - count);
    },
    byteAt(position) {
      return position >= 0 && position < length ? buffer[position] : undefined;
    },
    remove(position) {
      if (position < 0 || position >= length) return;
      buffer.copyWithin(position, position + 1, length);
      length -= 1;
    },
    base64() {
      return buffer.toString('base64', 0, length);
    },
    utf8() {
      return buffer.toString('utf8', 0, length);
    },
  };
}

/** Turns a parsed document and its enrichment into the JSON text of the enriched document. */
export interface EnrichedFlowLogSerializer {
  /**
   * Appends the UTF-8 of what `JSON.stringify(applyFlowEnrichment(document, enrichment))` would
   * give, same keys in the same order, without changing `document`.
   */
  write(output: Utf8Output, document: FlowLogDocument, enrichment: FlowEnrichment): void;
  /** The same as a string. */
  serialize(document: FlowLogDocument, enrichment: FlowEnrichment): string;
}

const utf8 = (text: string): Buffer => Buffer.from(text);
const DIRECTION_FRAGMENTS = { ingress: utf8(',"direction":"ingress"'), egress: utf8(',"direction":"egress"') } as const;
const OPENING_BRACE_BYTE = 0x7b;
const CLOSING_BRACE = utf8('}');

/**
 * A serializer for one batch. Enriched documents are about two and a half times their line, and
 * most of what enrichment adds is shared: the interface fields by every record of an interface,
 * rule ids by every record a rule answers, a geolocation by every record of an address. Each of
 * those is serialized and encoded once, on first use, and its bytes appended after those of
 * `JSON.stringify` of the record's own fields, which is what the per-record cost is then made of.
 * Shared objects are remembered by identity, so the serializer must not outlive the batch whose
 * objects it has seen (they are never changed during a batch).
 *
 * @example
 * const serializer = createEnrichedFlowLogSerializer();
 * const enrichments = await computeFlowEnrichments(documents, sources);
 * const lines = documents.map((document, index) => serializer.serialize(document, enrichments[index]));
 */
export function createEnrichedFlowLogSerializer(): EnrichedFlowLogSerializer {
  const interfaceFragments = new WeakMap<NetworkInterfaceFields, Buffer>();
  const rulesFragments = new WeakMap<readonly SecurityGroupRule[], Buffer>();
  const ruleIdsFragments = new WeakMap<readonly string[], Buffer>();
  const srcGeoFragments = new WeakMap<GeoLocation, Buffer>();
  const dstGeoFragments = new WeakMap<GeoLocation, Buffer>();
  const ruleMatchFragments = new Map<string, Buffer>();

  const remembered = <K extends object>(cache: WeakMap<K, Buffer>, value: K, render: (value: K) => string): Buffer => {
    let fragment = cache.get(value);
    if (fragment === undefined) {
      fragment = utf8(render(value));
      cache.set(value, fragment);
    }
    return fragment;
  };
  const field = (key: string) => (value: unknown) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  const rulesFragment = field('security_group_rules');
  const ruleIdsFragment = field('security_group_rule_ids');
  const srcGeoFragment = field('src_geo');
  const dstGeoFragment = field('dst_geo');
  const ruleMatchFragment = field('rule_match');

  /**
   * Appends the enrichment as `,"key":value` pairs in ENRICHED_DOCUMENT_FIELDS order: the native
   * schema's fast path, spelled out for speed. The property test in
   * test/property/serialize-enriched-flow-log.property.test.ts holds it to applyFlowEnrichment,
   * the generic writer driven by the schema.
   */
  const writeTail = (output: Utf8Output, enrichment: FlowEnrichment): void => {
    const { issues, issuesAt } = enrichment;
    const writeIssues = (): void => {
      if (issues !== undefined) output.text(`,"enrichment_issues":${JSON.stringify(issues)}`);
    };
    if (issuesAt === EnrichmentSlot.InterfaceFields) writeIssues();
    if (enrichment.interfaceFields !== undefined) output.bytes(remembered(interfaceFragments, enrichment.interfaceFields, interfaceFieldsFragment));
    if (issuesAt === EnrichmentSlot.Direction) writeIssues();
    if (enrichment.direction !== undefined) output.bytes(DIRECTION_FRAGMENTS[enrichment.direction]);
    if (issuesAt === EnrichmentSlot.SecurityGroupRules) writeIssues();
    if (enrichment.securityGroupRules !== undefined) output.bytes(remembered(rulesFragments, enrichment.securityGroupRules, rulesFragment));
    if (issuesAt === EnrichmentSlot.RuleIds) writeIssues();
    if (enrichment.ruleIds !== undefined) output.bytes(remembered(ruleIdsFragments, enrichment.ruleIds, ruleIdsFragment));
    if (issuesAt === EnrichmentSlot.RuleMatch) writeIssues();
    if (enrichment.ruleMatch !== undefined) {
      let fragment = ruleMatchFragments.get(enrichment.ruleMatch);
      if (fragment === undefined) ruleMatchFragments.set(enrichment.ruleMatch, (fragment = utf8(ruleMatchFragment(enrichment.ruleMatch))));
      output.bytes(fragment);
    }
    if (issuesAt === EnrichmentSlot.SrcGeo) writeIssues();
    if (enrichment.srcGeo !== undefined) output.bytes(remembered(srcGeoFragments, enrichment.srcGeo, srcGeoFragment));
    if (issuesAt === EnrichmentSlot.DstGeo) writeIssues();
    if (enrichment.dstGeo !== undefined) output.bytes(remembered(dstGeoFragments, enrichment.dstGeo, dstGeoFragment));
    if (issuesAt === EnrichmentSlot.End) writeIssues();
  };

  const write = (output: Utf8Output, document: FlowLogDocument, enrichment: FlowEnrichment): void => {
    // A key enrichment writes is already there: it must keep its place, which appending cannot do.
    if (hasEnrichmentKeys(document)) {
      output.text(JSON.stringify(applyFlowEnrichment({ ...document }, enrichment)));
      return;
    }
    output.text(documentJsonText(document));
    output.drop(1);
    const tailStart = output.length;
    writeTail(output, enrichment);
    // `{}` had no field for the tail's leading comma to follow.
    if (output.length > tailStart && output.byteAt(tailStart - 1) === OPENING_BRACE_BYTE) output.remove(tailStart);
    output.bytes(CLOSING_BRACE);
  };

  return serializerWriting(write);
}

/**
 * A serializer from its `write`: `serialize` writes into one reused scratch output and returns
 * its text (for the CLI and tests; the decorator appends with `write`).
 */
export function serializerWriting(write: EnrichedFlowLogSerializer['write']): EnrichedFlowLogSerializer {
  const scratch = createUtf8Output();
  return {
    write,
    serialize(document, enrichment) {
      scratch.clear();
      write(scratch, document, enrichment);
      return scratch.utf8();
    },
  };
}

/** The interface fields in applyFlowEnrichment's order, absent ones left out. */
function interfaceFieldsFragment(fields: NetworkInterfaceFields): string {
  let fragment = `,"security_group_ids":${JSON.stringify(fields.security_group_ids)},"security_group_names":${JSON.stringify(fields.security_group_names)}`;
  if (fields.interface_type !== undefined) fragment += `,"interface_type":${JSON.stringify(fields.interface_type)}`;
  if (fields.vpc_id !== undefined) fragment += `,"vpc_id":${JSON.stringify(fields.vpc_id)}`;
  if (fields.subnet_id !== undefined) fragment += `,"subnet_id":${JSON.stringify(fields.subnet_id)}`;
  if (fields.instance_id !== undefined) fragment += `,"instance_id":${JSON.stringify(fields.instance_id)}`;
  return fragment;
}
