import { createServer } from "node:net";
import { LOOPBACK } from "../config";

/** A loopback port free right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * A loopback port the OS picked, kept bound until `release()`: the cloud names
 * its URLs before its servers start, and a port merely found free could be
 * taken by another process meanwhile (tests start many clouds at once).
 */
export function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      done({
        port: typeof address === "object" && address ? address.port : 0,
        release: () => new Promise<void>((closed) => server.close(() => closed())),
      });
    });
  });
}

/** Poll `check` until it returns true; bounded by `timeoutMs`, never a bare sleep. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  {
    timeoutMs = 60_000,
    intervalMs = 100,
    abort,
  }: { timeoutMs?: number; intervalMs?: number; abort?: () => string | undefined } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abort?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
