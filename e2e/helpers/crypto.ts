import crypto from "node:crypto";

// The same sealing as lib/crypto.ts (AES-256-GCM with ENCRYPTION_KEY), for fixtures that write connections.
export function encryptSecret(plain: string): string {
  const key = Buffer.from(process.env.ENCRYPTION_KEY!, "base64");
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64")}`;
}
