// The lab's client, run in its own namespace under the system Node: every 100 ms per name it asks
// the authoritative server for the A record (one UDP query, no cache) and fetches http://<answer>/.
// One JSON line per attempt on stdout: { name, at, answer, ok, status?, body?, error? }, where
// `at` is when the DNS answer arrived (epoch ms). Runs until killed.
import { createSocket } from "node:dgram";
import { get } from "node:http";

const [server, ...names] = process.argv.slice(2);
const INTERVAL_MS = 100;
const DNS_TIMEOUT_MS = 500;
const HTTP_TIMEOUT_MS = 1000;

/** A minimal DNS query for `name` A, recursion not desired. */
function query(name, id) {
  const labels = name
    .split(".")
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  const header = Buffer.from([id >> 8, id & 255, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** The A addresses in a response (answers follow the question; names are compressed pointers or labels). */
function parseAnswers(msg) {
  const count = msg.readUInt16BE(6);
  let offset = 12;
  const skipName = () => {
    while (msg[offset] !== 0) {
      if ((msg[offset] & 0xc0) === 0xc0) {
        offset += 2;
        return;
      }
      offset += msg[offset] + 1;
    }
    offset += 1;
  };
  skipName();
  offset += 4;
  const addresses = [];
  for (let i = 0; i < count; i++) {
    skipName();
    const type = msg.readUInt16BE(offset);
    const length = msg.readUInt16BE(offset + 8);
    offset += 10;
    if (type === 1 && length === 4) addresses.push([...msg.subarray(offset, offset + 4)].join("."));
    offset += length;
  }
  return addresses.sort();
}

function resolve(name) {
  return new Promise((done) => {
    const socket = createSocket("udp4");
    const id = Math.floor(Math.random() * 65535);
    const finish = (result) => {
      clearTimeout(timer);
      socket.close();
      done(result);
    };
    const timer = setTimeout(() => finish({ error: "dns timeout" }), DNS_TIMEOUT_MS);
    socket.on("error", (error) => finish({ error: `dns ${error.code}` }));
    socket.on("message", (msg) => {
      try {
        finish({ answer: parseAnswers(msg) });
      } catch {
        finish({ error: "dns bad answer" });
      }
    });
    socket.send(query(name, id), 53, server);
  });
}

function fetchOnce(address) {
  return new Promise((done) => {
    const req = get({ host: address, port: 80, path: "/", timeout: HTTP_TIMEOUT_MS }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => done({ status: res.statusCode, body: body.trim().slice(0, 40) }));
    });
    req.on("timeout", () => req.destroy(new Error("http timeout")));
    req.on("error", (error) => done({ error: error.code ?? error.message }));
  });
}

/** One attempt: resolve, then fetch the first address; one JSON line when it ends. */
async function attempt(name) {
  const dns = await resolve(name);
  const at = Date.now();
  let line = { name, at, answer: dns.answer ?? null, ok: false };
  if (dns.error) line.error = dns.error;
  else if (dns.answer.length === 0) line.error = "no address";
  else {
    const http = await fetchOnce(dns.answer[0]);
    line = { ...line, ...http, ok: http.status === 200 };
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

// A new attempt every 100 ms whether or not the previous ones have ended, like a crowd of
// clients: a fetch hanging on a dead address must not hide the moment the answer changes.
for (const name of names) setInterval(() => attempt(name), INTERVAL_MS);
