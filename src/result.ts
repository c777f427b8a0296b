/**
 * The outcome of an operation that can fail on bad input. Pure functions return this instead of
 * throwing, so a caller handles every bad record as data (see STYLE.md §3).
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
