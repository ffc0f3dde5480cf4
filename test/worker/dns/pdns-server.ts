// The PowerDNS harness lives in test/harness/pdns.mjs (plain JavaScript, so the benchmarks can
// run it with plain `node`); the DNS provider tests import it from here.
export { createZone, dig, type PdnsServer, startPdns } from "../../harness/pdns.mjs";
