import { hash, verify } from "@node-rs/argon2";

// argon2id with the library's defaults (OWASP-level memory and time cost).
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A fixed hash to verify against when there is no account, so that "no such user" costs as much as
// "wrong password" and timing does not tell them apart.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  try {
    if (!passwordHash) {
      await verify(await (dummyHash ??= hash(crypto.randomUUID())), password);
      return false;
    }
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
