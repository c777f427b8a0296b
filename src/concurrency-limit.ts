/**
 * The one concurrency limiter of the project (the EC2 and geolocation look-ups, PutRecordBatch
 * calls): at most `concurrency` tasks run at once, the rest wait their turn in order.
 *
 * @example
 * const limit = createConcurrencyLimit(4);
 * const answers = await Promise.all(chunks.map((chunk) => limit(() => request(chunk))));
 */
export function createConcurrencyLimit(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  const max = Math.max(1, Math.floor(concurrency));
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A freed slot passes straight to the next waiter, so `running` never drops and rises again.
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) running -= 1;
      else next();
    }
  };
}

/** Starts `work` on every item with at most `concurrency` running; the promises keep item order. */
export function runWithConcurrency<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R>[] {
  const limit = createConcurrencyLimit(concurrency);
  return items.map((item) => limit(() => work(item)));
}
