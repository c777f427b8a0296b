import { AppenderError } from '../errors.js';

// The local pipeline's errors. Each sets `name`, since minified bundles rename classes.

/** An object key would leave the store's folder. */
export class ObjectKeyError extends AppenderError {
  constructor(key: string) {
    super(`object key "${key}" leaves the output folder`);
    this.name = 'ObjectKeyError';
  }
}

/** An events directory cannot be read, or a file in it is not what it should be. */
export class EventsDirectoryError extends AppenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventsDirectoryError';
  }
}
