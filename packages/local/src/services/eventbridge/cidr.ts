// IPv4/IPv6 CIDR ranges for the `cidr` pattern operator, as inclusive BigInt bounds so one
// comparison works for both families.

export interface IpRange {
  family: 4 | 6;
  low: bigint;
  high: bigint;
}

export function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

export function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string): string[] | null => {
    if (half === "") return [];
    const raw = half.split(":");
    const out: string[] = [];
    for (const [i, g] of raw.entries()) {
      // An embedded IPv4 tail (::ffff:10.0.0.1) stands for the last two groups.
      if (i === raw.length - 1 && g.includes(".")) {
        const v4 = parseIpv4(g);
        if (v4 === null) return null;
        out.push(((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(g);
      else return null;
    }
    return out;
  };
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

export function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = text.includes(":") ? parseIpv6(text) : null;
  return v6 === null ? null : { family: 6, value: v6 };
}

/** `10.0.0.0/24`, `2001:db8::/32`, or a bare address (a range of one). */
export function parseCidr(text: string): IpRange | null {
  const [addr = "", bits, ...rest] = text.split("/");
  if (rest.length > 0) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const width = ip.family === 4 ? 32 : 128;
  let prefix = width;
  if (bits !== undefined) {
    if (!/^\d{1,3}$/.test(bits)) return null;
    prefix = Number(bits);
    if (prefix > width) return null;
  }
  const hostBits = BigInt(width - prefix);
  const mask = (1n << hostBits) - 1n;
  const low = ip.value & ~mask & ((1n << BigInt(width)) - 1n);
  return { family: ip.family, low, high: low | mask };
}

export function inRange(range: IpRange, text: string): boolean {
  const ip = parseIp(text);
  return (
    ip !== null && ip.family === range.family && ip.value >= range.low && ip.value <= range.high
  );
}
