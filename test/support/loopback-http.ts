import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

/** A request's whole body as text. */
export async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers with an XML body, as the query-protocol services (EC2, STS, SNS) do. */
export function sendXml(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(xml) });
  response.end(xml);
}

/** A port free on 127.0.0.1 now, as the kernel picks it: for servers of other processes (OpenSearch, Trino). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
