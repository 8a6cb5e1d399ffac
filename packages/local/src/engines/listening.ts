import { readFileSync } from "node:fs";

// Which local addresses listen on a TCP port, read from /proc/net/tcp{,6}:
// how the tests prove an engine is not reachable beyond loopback.

const LISTEN = "0A";

function decode(hex: string): string {
  if (hex.length === 8) {
    const b = Buffer.from(hex, "hex").reverse();
    return [...b].join(".");
  }
  // IPv6: four little-endian 32-bit words.
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, "hex").reverse().toString("hex"));
  const full = words.join("");
  if (full === "0".repeat(32)) return "::";
  if (full.startsWith(`${"0".repeat(20)}ffff`)) {
    return `::ffff:${[...Buffer.from(full.slice(24), "hex")].join(".")}`;
  }
  return full.match(/.{4}/g)!.join(":");
}

export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== LISTEN) continue;
      const [addr, portHex] = cols[1]!.split(":") as [string, string];
      if (Number.parseInt(portHex, 16) === port) found.push(decode(addr));
    }
  }
  return found;
}

export const isLoopback = (address: string) =>
  address === "::1" || /^(::ffff:)?127\./.test(address);
