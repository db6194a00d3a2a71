import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { authenticate } from "@/lib/auth/sign-in";
import { TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { ensureBuiltinAdmin } from "@/lib/bootstrap/builtin-admin";
import { makeUser, uid } from "@/test/factories";

const address = () => `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("local sign-in", () => {
  afterEach(() => {
    delete process.env.ADMIN_ENABLED;
  });

  it("accepts the right password by email (any case) or account name, and nothing else", async () => {
    const user = await makeUser();
    expect(await authenticate(user.email.toUpperCase(), user.password, address())).toBe(user.id);
    expect(await authenticate(user.accountName!, user.password, address())).toBe(user.id);
    for (const password of ["wrong", "", " ", `${user.password} `, "*"]) {
      expect(await authenticate(user.email, password, address())).toBeNull();
    }
    // Other test files fail these same hostile logins too, so
    // they may be locked already: a refusal either way.
    for (const login of ["*", "*)(uid=*", "", "x".repeat(10_000), `${user.email}\0`]) {
      expect(
        await authenticate(login, user.password, address()).catch((e) =>
          e instanceof TooManyAttemptsError ? null : Promise.reject(e),
        ),
      ).toBeNull();
    }
  });

  it("answers an unknown account exactly as a wrong password", async () => {
    expect(await authenticate(`nobody-${uid()}@test.example`, "whatever-password", address())).toBeNull();
  });

  it("refuses disabled accounts and directory accounts with a local hash", async () => {
    const disabled = await makeUser({ status: "DISABLED" });
    expect(await authenticate(disabled.email, disabled.password, address())).toBeNull();
    const dir = await makeUser({ source: "DIRECTORY" });
    expect(await authenticate(dir.email, dir.password, address())).toBeNull();
  });

  // Five failures in a row from one address lock the account there, even against the right password.
  it("locks an account for an address after five failures in a row", async () => {
    const user = await makeUser();
    const from = address();
    for (let i = 0; i < 5; i++) expect(await authenticate(user.email, "wrong-password", from)).toBeNull();
    await expect(authenticate(user.email, user.password, from)).rejects.toBeInstanceOf(TooManyAttemptsError);
    // The lock is keyed by the login whether or not an account exists: an unknown one locks the same way.
    const ghost = `ghost-${uid()}@test.example`;
    for (let i = 0; i < 5; i++) await authenticate(ghost, "wrong-password", from);
    await expect(authenticate(ghost, "wrong-password", from)).rejects.toBeInstanceOf(TooManyAttemptsError);
  });

  it("lets the built-in administrator in unless ADMIN_ENABLED=false", async () => {
    process.env.ADMIN_EMAIL = `builtin-${uid()}@test.example`;
    process.env.ADMIN_PASSWORD = "Builtin-admin-password-1";
    await db.user.updateMany({ where: { isBuiltinAdmin: true }, data: { isBuiltinAdmin: false } });
    const admin = await ensureBuiltinAdmin();
    expect(admin.generatedPassword).toBeUndefined();
    const id = await authenticate(process.env.ADMIN_EMAIL, "Builtin-admin-password-1", address());
    expect(id).not.toBeNull();
    expect((await db.user.findUniqueOrThrow({ where: { id: id! } })).isPlatformAdmin).toBe(true);
    process.env.ADMIN_ENABLED = "false";
    expect(await authenticate(process.env.ADMIN_EMAIL, "Builtin-admin-password-1", address())).toBeNull();
    delete process.env.ADMIN_EMAIL;
    delete process.env.ADMIN_PASSWORD;
  });

  it("generates and prints a built-in administrator password once when none is configured", async () => {
    process.env.ADMIN_EMAIL = `builtin-${uid()}@test.example`;
    delete process.env.ADMIN_PASSWORD;
    await db.user.updateMany({ where: { isBuiltinAdmin: true }, data: { isBuiltinAdmin: false } });
    const first = await ensureBuiltinAdmin();
    expect(first.generatedPassword).toMatch(/^[\w-]{20}$/);
    expect((await ensureBuiltinAdmin()).generatedPassword).toBeUndefined();
    expect(await authenticate(process.env.ADMIN_EMAIL, first.generatedPassword!, address())).not.toBeNull();
    const stored = await db.user.findFirstOrThrow({ where: { isBuiltinAdmin: true } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    delete process.env.ADMIN_EMAIL;
  });
});
