// Plain fakes for the delivery use case: time that passes only when slept, a scripted delivery
// stream, and a logger and metrics that remember what they were given.
import type { Clock, DeliveryStream, Logger, Metrics, MetricUnit, PutRecordOutcome, Sleep } from '../../src/ports.js';

export interface FakeTime {
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Every sleep asked for, in order. */
  readonly sleeps: number[];
}

/** A clock that moves only when `sleep` is called, so back-off costs no real time. */
export function fakeTime(start = 1_700_000_000_000): FakeTime {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleep: (milliseconds) => {
      sleeps.push(milliseconds);
      now += milliseconds;
      return Promise.resolve();
    },
    sleeps,
  };
}

/** What the scripted stream answers to one call: outcomes, or an error to reject with. */
export type ScriptedAnswer = readonly PutRecordOutcome[] | Error;

export interface ScriptedDeliveryStream {
  readonly deliveryStream: DeliveryStream;
  /** The record texts of every call, in call order. */
  readonly calls: string[][];
  /** How many calls were in flight at most at once. */
  maxInFlight(): number;
}

/** A delivery stream answering each call with `answer(records, callIndex)`; by default all succeed. */
export function scriptedDeliveryStream(
  answer: (records: readonly string[], callIndex: number) => ScriptedAnswer = (records) => records.map(() => ({ ok: true })),
): ScriptedDeliveryStream {
  const calls: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    calls,
    maxInFlight: () => maxInFlight,
    deliveryStream: {
      async putRecordBatch(records) {
        const texts = records.map((data) => Buffer.from(data).toString('utf8'));
        const callIndex = calls.push(texts) - 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Yields so parallel calls really overlap.
        await Promise.resolve();
        inFlight -= 1;
        const result = answer(texts, callIndex);
        if (result instanceof Error) throw result;
        return result;
      },
    },
  };
}

export const success = (): PutRecordOutcome => ({ ok: true });
export const failure = (errorCode = 'ServiceUnavailableException'): PutRecordOutcome => ({ ok: false, errorCode, errorMessage: 'Slow down.' });

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, attributes?: Readonly<Record<string, unknown>>): void => {
      lines.push(attributes === undefined ? { level, message } : { level, message, attributes });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

export function recordingMetrics(): { metrics: Metrics; values: Map<string, { unit: MetricUnit; value: number }[]> } {
  const values = new Map<string, { unit: MetricUnit; value: number }[]>();
  return {
    values,
    metrics: {
      add: (name, unit, value) => {
        values.set(name, [...(values.get(name) ?? []), { unit, value }]);
      },
    },
  };
}
