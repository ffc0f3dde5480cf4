import { childAt, childrenOf, contentOf, type DerNode, oidOf } from "./der";

/** Short names of the attributes people meet in certificate subjects (RFC 4514 and habit). */
const ATTRIBUTE_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "1.2.840.113549.1.9.1": "emailAddress",
};
const COMMON_NAME = "2.5.4.3";

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** The text of a directory string, whichever of the ASN.1 string types it was written in. */
export function stringOf(node: DerNode): string {
  const content = contentOf(node);
  switch (node.tag) {
    case 0x0c: // UTF8String
      return new TextDecoder().decode(content);
    case 0x1e: {
      // BMPString: UTF-16 big-endian
      let text = "";
      for (let i = 0; i + 1 < content.length; i += 2) {
        text += String.fromCharCode(((content[i] as number) << 8) | (content[i + 1] as number));
      }
      return text;
    }
    default: // PrintableString, IA5String, TeletexString: ASCII in practice
      return latin1(content);
  }
}

interface Attribute {
  oid: string;
  value: string;
}

function attributesOf(name: DerNode): Attribute[] {
  return childrenOf(name).flatMap((set) =>
    childrenOf(set).map((pair) => ({
      oid: oidOf(childAt(pair, 0)),
      value: stringOf(childAt(pair, 1)),
    })),
  );
}

/** A distinguished name as people read it: `CN=shop.example.com, O=Example`, most specific first. */
export function nameText(name: DerNode): string {
  return attributesOf(name)
    .reverse()
    .map(({ oid, value }) => `${ATTRIBUTE_NAMES[oid] ?? oid}=${value}`)
    .join(", ");
}

/** The name's common name (its last, when it has several), or null. */
export function commonNameOf(name: DerNode): string | null {
  return (
    attributesOf(name)
      .filter((attribute) => attribute.oid === COMMON_NAME)
      .at(-1)?.value ?? null
  );
}
