/**
 * Problems with an index pattern given for the template, the ISM policy and the index pattern in
 * Dashboards; empty when it is usable. A pattern that could match system indices is refused: the
 * retention policy deletes what it matches, and ISM treats a leading `*` as every index, including
 * `.opendistro-security` (OpenSearch ISM API documentation, "Add policy").
 *
 * @example indexPatternProblems('cwl-*') // []
 * @example indexPatternProblems('*')     // ['the index pattern "*" must start with a letter or digit ...']
 */
export function indexPatternProblems(pattern: string): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]/.test(pattern)) {
    problems.push(`the index pattern "${pattern}" must start with a lowercase letter or digit, so it never matches system indices`);
  }
  if (/[A-Z]/.test(pattern)) {
    problems.push(`the index pattern "${pattern}" must be lowercase, as index names are`);
  }
  // Characters OpenSearch forbids in index names, plus `,` (a list of patterns is not supported here).
  if (/[\s\\/?"<>|,#:]/.test(pattern)) {
    problems.push(`the index pattern "${pattern}" may not contain spaces or any of \\ / ? " < > | , # :`);
  }
  return problems;
}
