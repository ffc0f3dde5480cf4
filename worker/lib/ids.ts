const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A new id such as `pool_01JD3K4Q8Z9X7M2T5B6N`: a type prefix, 10 characters of the creation
 * time and 12 random ones. Ids of one kind sort by creation time, so lists page by id alone.
 */
export function newId(prefix: string, now: number): string {
  let time = "";
  let rest = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const random = crypto.getRandomValues(new Uint8Array(12));
  let tail = "";
  for (const byte of random) tail += CROCKFORD[byte % 32];
  return `${prefix}_${time}${tail}`;
}
