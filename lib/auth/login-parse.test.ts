import { describe, expect, it } from "vitest";
import { parseLogin } from "@/lib/auth/login-parse";

describe("sign-in names", () => {
  it("reads DOMAIN\\name, name@domain and bare names", () => {
    expect(parseLogin("CORP\\alice")).toEqual({
      kind: "nt",
      value: "CORP\\alice",
      ntDomain: "CORP",
      name: "alice",
    });
    expect(parseLogin(" alice@Corp.Example.com ")).toEqual({
      kind: "at",
      value: "alice@Corp.Example.com",
      name: "alice",
      domain: "corp.example.com",
    });
    expect(parseLogin("alice")).toEqual({ kind: "bare", value: "alice", name: "alice" });
    expect(parseLogin("\\alice").kind).toBe("bare");
    expect(parseLogin("alice@").kind).toBe("bare");
  });
});
