import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A test server listening on 127.0.0.1. */
export interface ListeningLoopback {
  /** `http://127.0.0.1:<port>`, for the `AWS_ENDPOINT_URL_<SERVICE>` variable or a client option. */
  readonly url: string;
  /** Stops the server, dropping kept-alive connections so the close does not wait for their timeout. */
  readonly close: () => Promise<void>;
}

/**
 * Starts `server` on an ephemeral port of 127.0.0.1 (never on every interface), and says where it is.
 *
 * @example
 * const { url, close } = await listenOnLoopback(createServer(handler));
 */
export async function listenOnLoopback(server: Server): Promise<ListeningLoopback> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The SDK keeps connections alive; without this, close waits for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Points every AWS SDK client of one service created from now on at `url` through its standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variable (as a user would); returns a function that restores it.
 *
 * @example
 * const restore = pointClientsAt('EC2', server.url); // ... then restore();
 */
export function pointClientsAt(service: string, url: string): () => void {
  const variable = `AWS_ENDPOINT_URL_${service}`;
  const previous = process.env[variable];
  process.env[variable] = url;
  return () => {
    if (previous === undefined) delete process.env[variable];
    else process.env[variable] = previous;
  };
}
