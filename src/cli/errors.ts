import { AppenderError } from '../errors.js';

// The command line's errors. Each sets `name`, since minified bundles rename classes.

/** A command-line mistake: reported with the usage text of the command and exit status 2. */
export class UsageError extends AppenderError {
  /** The usage text to show with the message; the main usage when absent. */
  readonly usage: string | undefined;

  constructor(message: string, usage?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/**
 * A command that cannot go on for a reason that is not the command line's fault (no AWS Region,
 * an unreadable inventory, EC2 refusing): one line on stderr with its cause, exit 1, no usage.
 */
export class CommandFailure extends AppenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandFailure';
  }
}

/** An input argument that is not a usable path or `s3://bucket/prefix` URL. */
export class InputSourceError extends AppenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputSourceError';
  }
}

/** Carries an error of the handlers or the error writer out of the read loop, told apart from a read error. */
export class OutputFailure extends AppenderError {
  constructor(cause: unknown) {
    super('a flow-log input handler or the message writer failed', { cause });
    this.name = 'OutputFailure';
  }
}
