// CBOR (RFC 8949) as the Smithy RPC v2 CBOR protocol uses it: maps with text
// keys, arrays, text and byte strings, integers, floats, booleans, null, and
// timestamps as tag 1 (epoch seconds). Newer AWS CLIs (botocore ≥ 1.3x) speak
// it to CloudWatch. Decoding accepts definite and indefinite lengths. The
// dispatcher decodes a CBOR request's body into its input with it.

export class CborError extends Error {
  override name = "SerializationException";
}

export function decodeCbor(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const BREAK = Symbol("break");

  const need = (n: number) => {
    if (at + n > bytes.length) throw new CborError("CBOR body ends early");
  };
  const argument = (info: number): number | null => {
    if (info < 24) return info;
    switch (info) {
      case 24:
        need(1);
        return view.getUint8(at++);
      case 25:
        need(2);
        at += 2;
        return view.getUint16(at - 2);
      case 26:
        need(4);
        at += 4;
        return view.getUint32(at - 4);
      case 27: {
        need(8);
        const value = view.getBigUint64(at);
        at += 8;
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CborError("CBOR integer too large");
        return Number(value);
      }
      case 31:
        return null; // indefinite length
      default:
        throw new CborError(`CBOR additional information ${info} is reserved`);
    }
  };
  const chunks = (major: number, length: number | null): Uint8Array => {
    if (length !== null) {
      need(length);
      at += length;
      return bytes.subarray(at - length, at);
    }
    const parts: Uint8Array[] = [];
    for (;;) {
      const part = item();
      if (part === BREAK) break;
      if (major === 3 && typeof part === "string") parts.push(Buffer.from(part, "utf8"));
      else if (major === 2 && part instanceof Uint8Array) parts.push(part);
      else throw new CborError("CBOR indefinite string holds another type");
    }
    return Buffer.concat(parts);
  };

  function item(): unknown {
    need(1);
    const initial = view.getUint8(at++);
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) {
      switch (info) {
        case 20:
          return false;
        case 21:
          return true;
        case 22:
        case 23:
          return null;
        case 25: {
          need(2);
          at += 2;
          return halfToNumber(view.getUint16(at - 2));
        }
        case 26:
          need(4);
          at += 4;
          return view.getFloat32(at - 4);
        case 27:
          need(8);
          at += 8;
          return view.getFloat64(at - 8);
        case 31:
          return BREAK;
        default:
          throw new CborError(`CBOR simple value ${info} is not supported`);
      }
    }
    const length = argument(info);
    switch (major) {
      case 0:
        return length;
      case 1:
        return -1 - (length ?? 0);
      case 2:
        return Buffer.from(chunks(2, length));
      case 3:
        return Buffer.from(chunks(3, length)).toString("utf8");
      case 4: {
        const out: unknown[] = [];
        for (let i = 0; length === null || i < length; i++) {
          const value = item();
          if (value === BREAK) break;
          out.push(value);
        }
        return out;
      }
      case 5: {
        const out: Record<string, unknown> = {};
        for (let i = 0; length === null || i < length; i++) {
          const key = item();
          if (key === BREAK) break;
          if (typeof key !== "string") throw new CborError("CBOR map keys must be text");
          out[key] = item();
        }
        return out;
      }
      case 6: {
        const value = item();
        // Tag 1: epoch-based date/time in seconds.
        if (length === 1 && typeof value === "number") return new Date(value * 1000);
        return value;
      }
    }
    throw new CborError(`CBOR major type ${major} is not supported`);
  }

  const value = item();
  if (at !== bytes.length) throw new CborError("CBOR body has trailing bytes");
  return value;
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function encodeCbor(value: unknown): Buffer {
  const out: Buffer[] = [];
  const head = (major: number, n: number) => {
    if (n < 24) out.push(Buffer.from([(major << 5) | n]));
    else if (n < 0x100) out.push(Buffer.from([(major << 5) | 24, n]));
    else if (n < 0x10000) {
      const b = Buffer.alloc(3);
      b[0] = (major << 5) | 25;
      b.writeUInt16BE(n, 1);
      out.push(b);
    } else if (n < 0x100000000) {
      const b = Buffer.alloc(5);
      b[0] = (major << 5) | 26;
      b.writeUInt32BE(n, 1);
      out.push(b);
    } else {
      const b = Buffer.alloc(9);
      b[0] = (major << 5) | 27;
      b.writeBigUInt64BE(BigInt(n), 1);
      out.push(b);
    }
  };
  const float = (n: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0xfb;
    b.writeDoubleBE(n, 1);
    out.push(b);
  };
  const write = (v: unknown) => {
    if (v === null || v === undefined) out.push(Buffer.from([0xf6]));
    else if (v === false) out.push(Buffer.from([0xf4]));
    else if (v === true) out.push(Buffer.from([0xf5]));
    else if (typeof v === "number") {
      if (Number.isSafeInteger(v)) v >= 0 ? head(0, v) : head(1, -1 - v);
      else float(v);
    } else if (typeof v === "string") {
      const b = Buffer.from(v, "utf8");
      head(3, b.length);
      out.push(b);
    } else if (v instanceof Date) {
      head(6, 1);
      write(v.getTime() / 1000);
    } else if (v instanceof Uint8Array) {
      head(2, v.length);
      out.push(Buffer.from(v));
    } else if (Array.isArray(v)) {
      head(4, v.length);
      for (const x of v) write(x);
    } else if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>).filter(
        ([, x]) => x !== undefined,
      );
      head(5, entries.length);
      for (const [k, x] of entries) {
        write(k);
        write(x);
      }
    } else throw new CborError(`cannot encode ${typeof v} as CBOR`);
  };
  write(value);
  return Buffer.concat(out);
}
