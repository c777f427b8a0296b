import { describe, expect, it } from 'vitest';
import { createOpenSearchHttpClient } from '../../../src/adapters/opensearch-http-client.js';
import { ConfigurationError } from '../../../src/errors.js';

describe('createOpenSearchHttpClient', () => {
  it.each(['http://search-flows-abc123.us-east-1.es.amazonaws.com', 'http://192.0.2.10:9200'])('refuses plain http to %s', (baseUrl) => {
    expect(() => createOpenSearchHttpClient({ baseUrl, auth: { kind: 'none' } })).toThrow(ConfigurationError);
  });

  it.each(['http://localhost:9200', 'http://127.0.0.1:9200', 'http://[::1]:9200', 'https://search-flows-abc123.us-east-1.es.amazonaws.com'])('accepts %s', (baseUrl) => {
    expect(createOpenSearchHttpClient({ baseUrl, auth: { kind: 'none' } }).baseUrl).toBe(baseUrl);
  });

  it('refuses credentials in the URL and says where they belong', () => {
    expect(() => createOpenSearchHttpClient({ baseUrl: 'https://admin:secret@search.example.com', auth: { kind: 'none' } })).toThrow('put no credentials in the URL');
  });

  it('refuses a URL with a query', () => {
    expect(() => createOpenSearchHttpClient({ baseUrl: 'https://search.example.com/?x=1', auth: { kind: 'none' } })).toThrow(ConfigurationError);
  });

  it('shows the base URL with its path and without a trailing slash', () => {
    expect(createOpenSearchHttpClient({ baseUrl: 'https://search.example.com/_dashboards/', auth: { kind: 'none' } }).baseUrl).toBe('https://search.example.com/_dashboards');
  });
});
