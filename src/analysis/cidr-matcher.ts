// Kept only for src/report/cidr-block.ts, which moves onto src/net with the report's rewrite:
// addresses and CIDR blocks live in src/net.
export { parseIpAddress } from '../net/ip-address.js';
