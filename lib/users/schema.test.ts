import { describe, expect, it } from "vitest";
import { changePasswordSchema, createLocalUserSchema, userListQuerySchema } from "@/lib/users/schema";
import { organizationSchema } from "@/lib/organizations/schema";
import { loginSchema } from "@/lib/auth/login-schema";

describe("shared schemas", () => {
  it("normalises email to lower case and rejects bad input with a message per field", () => {
    const ok = createLocalUserSchema.parse({
      email: " Alice@Example.COM ",
      name: "Alice",
      password: "a-long-password",
      roles: ["ORIGINATOR"],
    });
    expect(ok.email).toBe("alice@example.com");
    const bad = createLocalUserSchema.safeParse({
      email: "not-an-email",
      name: "",
      accountName: "jürgen",
      password: "short",
      roles: [],
    });
    expect(bad.success).toBe(false);
    const fields = new Set(bad.error!.issues.map((i) => i.path[0]));
    expect(fields).toEqual(new Set(["email", "name", "accountName", "password", "roles"]));
  });

  it("refuses a password of only spaces and mismatched confirmation", () => {
    expect(
      createLocalUserSchema.safeParse({
        email: "a@b.co",
        name: "A",
        password: " ".repeat(20),
        roles: ["ORIGINATOR"],
      }).success,
    ).toBe(false);
    const r = changePasswordSchema.safeParse({
      currentPassword: "x",
      newPassword: "a-long-password-1",
      confirmPassword: "a-long-password-2",
    });
    expect(r.error?.issues[0]?.path).toEqual(["confirmPassword"]);
  });

  it("refuses an empty password at sign-in", () => {
    expect(loginSchema.safeParse({ login: "alice", password: "" }).success).toBe(false);
  });

  it("accepts only lower-case slugs", () => {
    expect(organizationSchema.safeParse({ slug: "acme-2", name: "Acme" }).success).toBe(true);
    expect(organizationSchema.safeParse({ slug: "-acme", name: "Acme" }).success).toBe(false);
    expect(organizationSchema.safeParse({ slug: "ac me", name: "Acme" }).success).toBe(false);
  });

  it("ignores garbage in list URLs instead of failing the page", () => {
    expect(userListQuerySchema.parse({ source: "NOPE", status: "x", page: "-4" })).toEqual({
      q: undefined,
      source: undefined,
      status: undefined,
      page: 1,
    });
  });
});
