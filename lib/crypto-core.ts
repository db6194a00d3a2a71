// The pure crypto of the console, without `server-only` so that test fixtures (vitest and Playwright) seal
// secrets exactly as the console does. Application code imports lib/crypto.ts, which guards the boundary.
import crypto from "node:crypto";

// Secrets at rest (the manager passwords): AES-256-GCM with ENCRYPTION_KEY (32 bytes, base64). `npm run dev`
// generates a key into .data/secrets.json; deployments set the same key on every instance.
function key(): Buffer {
  const raw = process.env.ENCRYPTION_KEY;
  if (!raw) throw new Error("ENCRYPTION_KEY is not set.");
  const buf = Buffer.from(raw, "base64");
  if (buf.length !== 32)
    throw new Error("ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32).");
  return buf;
}

export function encryptSecret(plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key(), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64")}`;
}

export function decryptSecret(sealed: string): string {
  if (!sealed.startsWith("v1:")) throw new Error("Unknown secret format.");
  const buf = Buffer.from(sealed.slice(3), "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key(), buf.subarray(0, 12));
  decipher.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString("utf8");
}

// One-time links (directory administrators' connection requests, Ad hoc set-password links): the token is
// shown or e-mailed once, and only its SHA-256 is stored.
export function newLinkToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function hashLinkToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}
