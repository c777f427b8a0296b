// Kept only for src/report/security-group-report.ts, which moves onto src/net with the report's
// rewrite: what is public is defined once, in src/net/special-networks.ts.
export { isPublicAddress } from '../net/special-networks.js';
