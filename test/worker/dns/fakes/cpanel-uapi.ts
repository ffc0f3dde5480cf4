import { type RecordedRequest, type Reply, startFakeServer } from "./server";

/**
 * The slice of cPanel UAPI that Baton uses: DNS::parse_zone and DNS::mass_edit_zone under
 * /execute/, with UAPI's envelope `{ status, errors, messages, warnings, metadata, data }`.
 * Like cPanel, it stores subdomain owners relative to the zone (`lb`), the apex as `example.com.`,
 * checks the SOA serial on every edit and bumps it after one.
 */
export interface ZoneLine {
  type: "record" | "comment" | "control";
  dname?: string;
  ttl?: number;
  record_type?: string;
  data?: string[];
  text?: string;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const uapi = (status: 0 | 1, data: unknown, errors: string[] | null = null): Reply => ({
  status: 200,
  json: { status, errors, messages: null, warnings: null, metadata: {}, data },
});

/**
 * `features`: the account's cPanel features. DNS::mass_edit_zone needs `zoneedit` or
 * `simplezoneedit`; parse_zone needs neither (so a read proves nothing about writing).
 */
export async function startFakeCpanel(options: {
  zone: string;
  username: string;
  token: string;
  features?: string[];
}) {
  const features = options.features ?? ["zoneedit"];
  const { zone } = options;
  const lines: ZoneLine[] = [
    {
      type: "comment",
      text: "; cPanel first:110.0.0 Cpanel::ZoneFile::VERSION:1.3 hostname:host.example.net",
    },
    { type: "comment", text: `; Zone file for ${zone}` },
    { type: "control", text: "$TTL 14400" },
    { type: "record", dname: `${zone}.`, ttl: 86400, record_type: "SOA", data: [] },
    {
      type: "record",
      dname: `${zone}.`,
      ttl: 86400,
      record_type: "NS",
      data: ["ns1.example.net."],
    },
    { type: "record", dname: `${zone}.`, ttl: 14400, record_type: "A", data: ["198.51.100.20"] },
    { type: "record", dname: "www", ttl: 14400, record_type: "CNAME", data: [`${zone}.`] },
  ];
  let serial = 2026010100;
  let editAfterNextRead = false;
  const failures: number[] = [];
  const soaData = () => [
    "ns1.example.net.",
    `hostmaster.${zone}.`,
    String(serial),
    "3600",
    "1800",
    "1209600",
    "86400",
  ];
  const soaLine = () => lines.find((line) => line.record_type === "SOA") as ZoneLine;
  soaLine().data = soaData();

  /** How cPanel stores an owner name: relative below the apex, fully qualified at it. */
  function stored(dname: string): string {
    const fqdn = dname.endsWith(".") ? dname : `${dname}.${zone}.`;
    return fqdn === `${zone}.` ? fqdn : fqdn.replace(`.${zone}.`, "");
  }

  function bumpSerial() {
    serial += 1;
    soaLine().data = soaData();
  }

  function handle(request: RecordedRequest): Reply {
    const failed = failures.shift();
    if (failed) return { status: failed, text: `${failed} fake failure` };
    if (request.headers.authorization !== `cpanel ${options.username}:${options.token}`) {
      return { status: 401, text: "Access denied" };
    }
    const url = new URL(request.path, "http://fake");
    const args = new URLSearchParams(url.search);
    if (request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
      for (const [key, value] of new URLSearchParams(request.body)) args.append(key, value);
    }
    const asked = args.get("zone");
    if (!asked) return uapi(0, null, ["Provide the “zone” argument."]);
    if (asked !== zone) return uapi(0, null, [`You do not control a DNS zone named “${asked}”.`]);
    if (url.pathname === "/execute/DNS/parse_zone") return parseZone();
    if (url.pathname === "/execute/DNS/mass_edit_zone") {
      // Cpanel::API::DNS: needs_feature any of simplezoneedit, zoneedit, changemx (the
      // fake supports the first two). The wording of this refusal is the fake's own.
      if (!features.some((feature) => feature === "zoneedit" || feature === "simplezoneedit")) {
        return uapi(0, null, [
          "This function requires the “zoneedit” or “simplezoneedit” feature, which your account lacks.",
        ]);
      }
      return massEdit(args);
    }
    return { status: 404, text: "Not Found" };
  }

  /** Cpanel::ZoneEdit::User: zoneedit allows A, CNAME, AAAA, CAA, SRV, TXT; simplezoneedit A, CNAME. */
  function allowedTypes(): string[] {
    if (features.includes("zoneedit")) return ["A", "AAAA", "CAA", "CNAME", "SRV", "TXT"];
    if (features.includes("simplezoneedit")) return ["A", "CNAME"];
    return [];
  }

  function parseZone(): Reply {
    const data = lines.map((line, line_index) =>
      line.type === "record"
        ? {
            line_index,
            type: line.type,
            dname_b64: b64(line.dname ?? ""),
            ttl: line.ttl,
            record_type: line.record_type,
            data_b64: (line.data ?? []).map(b64),
          }
        : { line_index, type: line.type, text_b64: b64(line.text ?? "") },
    );
    if (editAfterNextRead) {
      editAfterNextRead = false;
      bumpSerial(); // someone saved in the Zone Editor right after our read
    }
    return uapi(1, data);
  }

  function massEdit(args: URLSearchParams): Reply {
    // UAPI's several values of one argument: `add`, `add-1`, `add-2`, … (Cpanel::Args).
    const multiple = (key: string) =>
      [...new Set(args.keys())]
        .filter((name) => new RegExp(`^${key}(-\\d+)?$`).test(name))
        .sort((a, b) => Number(a.slice(key.length + 1) || 0) - Number(b.slice(key.length + 1) || 0))
        .flatMap((name) => args.getAll(name));
    const given = args.get("serial");
    if (!given) return uapi(0, null, ["Provide the “serial” argument."]);
    const adds = multiple("add").map(
      (text) => JSON.parse(text) as ZoneLine & { line_index?: number },
    );
    const edits = multiple("edit").map(
      (text) => JSON.parse(text) as ZoneLine & { line_index: number },
    );
    const removals = multiple("remove").map(Number);
    for (const item of [...adds, ...edits]) {
      const allowed = allowedTypes();
      if (!allowed.includes(item.record_type ?? "")) {
        const list =
          allowed.length > 1
            ? `${allowed.slice(0, -1).join(", ")} and ${allowed.at(-1)}`
            : allowed.join("");
        // Cpanel::API::DNS::_authorize_record_type's wording.
        return uapi(0, null, [
          `This interface cannot create “${item.record_type}” records. It can only create ${list} records.`,
        ]);
      }
    }
    if (adds.length + edits.length + removals.length === 0) {
      return uapi(0, null, ["You must provide at least one change to the DNS zone."]);
    }
    if (given !== String(serial)) {
      const message = `The given serial number (${given}) does not match the DNS zone’s serial number (${serial}). Refresh your view of the DNS zone, then resubmit.`;
      return uapi(0, { type: "Stale", detail: null }, [message]);
    }
    const touched = new Set<number>();
    for (const index of [...edits.map((edit) => edit.line_index), ...removals]) {
      if (lines[index]?.type !== "record") {
        return uapi(0, null, [`No record exists at line ${index} in the “${zone}” DNS zone.`]);
      }
      if (touched.has(index)) {
        return uapi(0, null, [
          `You submitted multiple edits for line index ${index}. This interface forbids multiple edits per line.`,
        ]);
      }
      touched.add(index);
    }
    const toLine = (item: ZoneLine): ZoneLine => ({
      type: "record",
      dname: stored(item.dname ?? ""),
      ttl: item.ttl,
      record_type: item.record_type,
      data: item.data,
    });
    for (const edit of edits) lines[edit.line_index] = toLine(edit);
    const kept = lines.filter((_, index) => !removals.includes(index));
    lines.splice(0, lines.length, ...kept, ...adds.map(toLine));
    bumpSerial();
    return uapi(1, { new_serial: String(serial) });
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    lines,
    serial: () => String(serial),
    /** The A addresses stored for a relative owner name (`lb`), in zone order. */
    addressesOf: (owner: string) =>
      lines
        .filter((line) => line.record_type === "A" && line.dname === owner)
        .map((line) => line.data?.[0]),
    seed(line: ZoneLine) {
      lines.push(line);
    },
    /** Another edit lands between Baton's next read and its write. */
    editConcurrentlyAfterNextRead() {
      editAfterNextRead = true;
    },
    failNext(status: number) {
      failures.push(status);
    },
  };
}

export type FakeCpanel = Awaited<ReturnType<typeof startFakeCpanel>>;
