/**
 * The HTTP the setup needs from a cluster or from OpenSearch Dashboards, as a port: the adapter
 * (src/adapters/opensearch-http-client.ts) signs with SigV4 or sends basic auth; tests pass fakes.
 */

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface OpenSearchHttpRequest {
  readonly method: HttpMethod;
  /** Below the base URL, starting with `/`, already percent-encoded where needed. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface OpenSearchHttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface OpenSearchHttp {
  /** Where requests go, for messages (no credentials in it). */
  readonly baseUrl: string;
  /** Resolves with any HTTP answer, 4xx and 5xx included; rejects only when no answer came. */
  send(request: OpenSearchHttpRequest): Promise<OpenSearchHttpResponse>;
}
