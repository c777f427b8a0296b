// The exposed ports and "whole internet" peers are defined once, for the report, the dashboards and
// Athena alike, in src/domain/security-concepts.ts.
export { EXPOSED_SERVICE_PORTS, WHOLE_INTERNET_CIDRS } from '../domain/security-concepts.js';
