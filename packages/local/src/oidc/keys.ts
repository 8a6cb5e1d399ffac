import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from "jose";

// The provider's signing key: one RSA key pair, generated on first start and
// kept under the data folder, so tokens issued before a restart still verify
// after it (as Cognito's keys outlive its restarts). The `kid` is the key's
// RFC 7638 thumbprint, so it is stable for as long as the key is.

export const ALGORITHM = "RS256";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half as published in the JWKS (`kid`, `alg`, `use`). */
  publicJwk: JWK;
}

export const signingKeyPath = (dataDir: string) => join(dataDir, "oidc", "signing-key.json");

export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = signingKeyPath(dataDir);
  let privateJwk: JWK;
  if (existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, "utf8")) as JWK;
  } else {
    const pair = await generateKeyPair(ALGORITHM, { modulusLength: 2048, extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
    mkdirSync(dirname(file), { recursive: true });
    // Write-then-rename: a crash mid-write must not leave a half key behind.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(privateJwk), { mode: 0o600 });
    renameSync(partial, file);
    chmodSync(file, 0o600);
  }
  const { kty, n, e } = privateJwk;
  if (kty !== "RSA" || !n || !e) throw new Error(`${file} does not hold an RSA private key`);
  const kid = await calculateJwkThumbprint({ kty, n, e });
  const privateKey = (await importJWK(privateJwk, ALGORITHM)) as CryptoKey;
  return { kid, privateKey, publicJwk: { kty, n, e, kid, alg: ALGORITHM, use: "sig" } };
}

export const jwksOf = (key: SigningKey): JSONWebKeySet => ({ keys: [key.publicJwk] });
