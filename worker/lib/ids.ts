const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS = 12;
const RANDOM_LIMIT = 32n ** BigInt(RANDOM_CHARS);

let lastTime = -1;
let lastRandom = 0n;

function encode(value: bigint, length: number): string {
  let text = "";
  let rest = value;
  for (let i = 0; i < length; i++) {
    text = CROCKFORD[Number(rest % 32n)] + text;
    rest /= 32n;
  }
  return text;
}

function randomPart(): bigint {
  let value = 0n;
  for (const byte of crypto.getRandomValues(new Uint8Array(8)))
    value = (value << 8n) | BigInt(byte);
  return value % RANDOM_LIMIT;
}

/**
 * A new id such as `pool_01M80HRRNQ1BFC2SWGR15Q`: a type prefix, 10 characters of the creation
 * time and 12 random ones. Ids of one kind sort by creation time, so lists page by id alone.
 * Within one millisecond the random part counts up, so ids made together keep their order.
 */
export function newId(prefix: string, now: number): string {
  const time = Math.max(now, lastTime);
  const random =
    time === lastTime && lastRandom + 1n < RANDOM_LIMIT ? lastRandom + 1n : randomPart();
  lastTime = time;
  lastRandom = random;
  return `${prefix}_${encode(BigInt(time), 10)}${encode(random, RANDOM_CHARS)}`;
}
