import { parseIp } from "../lib/ip";

/** One A record a provider holds now. `current`: its TTL (and proxy flag) are already as wanted. */
export interface ExistingRecord<Id> {
  id: Id;
  address: string;
  current: boolean;
}

/** The edits that make a provider serve exactly the wanted addresses. */
export interface RecordPlan<Id> {
  create: string[];
  update: { id: Id; address: string }[];
  remove: Id[];
}

/**
 * Plans the fewest record edits from `existing` to `addresses`: a record that already holds a
 * wanted address is kept (updated only if its TTL or proxy flag differ), a record whose address
 * is no longer wanted is rewritten in place before anything is created, and what is left over is
 * removed. Changing the active address is therefore one update, never a delete plus a create.
 */
export function planRecords<Id>(
  existing: ExistingRecord<Id>[],
  addresses: string[],
): RecordPlan<Id> {
  const plan: RecordPlan<Id> = { create: [], update: [], remove: [] };
  const unclaimed = [...existing].sort((a, b) => Number(b.current) - Number(a.current));
  const missing: string[] = [];
  for (const address of new Set(addresses)) {
    const index = unclaimed.findIndex((record) => record.address === address);
    const record = unclaimed[index];
    if (!record) {
      missing.push(address);
      continue;
    }
    unclaimed.splice(index, 1);
    if (!record.current) plan.update.push({ id: record.id, address });
  }
  for (const address of missing) {
    const record = unclaimed.shift();
    if (record) plan.update.push({ id: record.id, address });
    else plan.create.push(address);
  }
  plan.remove = unclaimed.map((record) => record.id);
  return plan;
}

/** Whether a plan changes nothing. */
export function isEmptyPlan(plan: RecordPlan<unknown>): boolean {
  return plan.create.length + plan.update.length + plan.remove.length === 0;
}

/** IPv4 addresses in numeric order (10.0.0.2 before 10.0.0.10), duplicates dropped. */
export function sortAddresses(addresses: Iterable<string>): string[] {
  const key = (address: string) => parseIp(address)?.value ?? -1n;
  return [...new Set(addresses)].sort((a, b) => {
    const difference = key(a) - key(b);
    return difference === 0n ? a.localeCompare(b) : difference < 0n ? -1 : 1;
  });
}

/** `lb.example.com` → `lb.example.com.`: the form PowerDNS and cPanel zone data use. */
export function withTrailingDot(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

/** Lower case, no trailing dot: how Baton compares names. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** Whether `name` is the zone itself or lies under it. */
export function isInZone(name: string, zone: string): boolean {
  const host = normalizeName(name);
  const apex = normalizeName(zone);
  return host === apex || host.endsWith(`.${apex}`);
}
