/**
 * Errors that fail an invocation or a command. Record-level problems are data, not errors (see
 * src/result.ts). Every class sets `name` explicitly because minified bundles rename classes.
 */
export class AppenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppenderError';
  }
}

/** The environment or command line does not describe a runnable configuration. */
export class ConfigurationError extends AppenderError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}
