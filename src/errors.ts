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

/**
 * A look-up scope no credentials can be had for (another account whose role cannot be assumed):
 * nothing of that account can be looked up, so its records are flagged `account_role_failed`
 * rather than as if EC2 itself had failed. Adapters throw subclasses that say why.
 */
export class LookupScopeRefusedError extends AppenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LookupScopeRefusedError';
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
