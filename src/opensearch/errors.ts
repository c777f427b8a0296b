import { AppenderError } from '../errors.js';

/**
 * A setup step failed: the cluster or Dashboards answered an error status, answered something we
 * cannot read, or did not answer. The message names the step, the request and the status, never
 * credentials.
 */
export class OpenSearchSetupError extends AppenderError {
  /** The step that failed, e.g. `index template`. */
  readonly step: string;
  /** The HTTP status, when an answer came. */
  readonly status: number | undefined;

  constructor(step: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(`${step}: ${message}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'OpenSearchSetupError';
    this.step = step;
    this.status = options.status;
  }
}
