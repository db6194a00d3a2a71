import { describe, expect, it } from "vitest";
import { normalizeDn } from "@/lib/directory/dn";

describe("normalizeDn: one comparable form of a DN", () => {
  it("ignores case of types and values and spaces around separators", () => {
    expect(normalizeDn("CN=Ada Lovelace , OU=People,DC=Example, DC=com")).toBe(
      normalizeDn("cn=ada lovelace,ou=people,dc=example,dc=com"),
    );
    expect(normalizeDn(" uid = ada ; dc=example ")).toBe("uid=ada,dc=example");
  });

  it("treats every escaping of one value alike: \\, \\2C and a quoted value", () => {
    const forms = ["cn=Smith\\, John,dc=x", "cn=Smith\\2C John,dc=x", 'cn="Smith, John",dc=x'];
    expect(new Set(forms.map(normalizeDn)).size).toBe(1);
    expect(normalizeDn(forms[0])).toBe("cn=smith\\, john,dc=x");
  });

  it("decodes hex-escaped UTF-8 and compares it with the plain characters", () => {
    expect(normalizeDn("cn=Ren\\C3\\A9,dc=x")).toBe(normalizeDn("cn=René,dc=x"));
    expect(normalizeDn("cn=RENÉ,dc=x")).toBe("cn=rené,dc=x");
  });

  it("keeps an escaped trailing space, drops unescaped ones", () => {
    expect(normalizeDn("cn=a\\ ,dc=x")).toBe("cn=a\\ ,dc=x");
    expect(normalizeDn("cn=a  ,dc=x")).toBe("cn=a,dc=x");
  });

  it("orders the parts of a multi-valued RDN", () => {
    expect(normalizeDn("uid=b+cn=A,dc=x")).toBe(normalizeDn("CN=a + UID=b,dc=x"));
    expect(normalizeDn("cn=a+uid=b,dc=x")).toBe("cn=a+uid=b,dc=x");
    // An escaped plus is part of the value, not a separator.
    expect(normalizeDn("cn=a\\+uid=b,dc=x")).not.toBe(normalizeDn("cn=a+uid=b,dc=x"));
  });

  it("tells different DNs apart", () => {
    expect(normalizeDn("uid=ann,ou=people,dc=x")).not.toBe(normalizeDn("uid=ann,ou=staff,dc=x"));
    expect(normalizeDn("")).toBe("");
  });
});
