import { describe, expect, it } from "vitest";
import { escapeFilterValue, fillFilter, filterError, parseFilter } from "@/lib/directory/filter";
import { dnError, dnFromDomain, escapeDnValue } from "@/lib/directory/dn";
import { isDisabledValue } from "@/lib/directory/presets";
import { adSubcode, translateDirectoryError } from "@/lib/directory/errors";
import { connectionSchema } from "@/lib/connections/schema";
import { PRESETS } from "@/lib/directory/presets";

describe("filter values (RFC 4515)", () => {
  it("escapes the characters that would change a filter", () => {
    expect(escapeFilterValue("*)(uid=*")).toBe("\\2a\\29\\28uid=\\2a");
    expect(escapeFilterValue("a\\b\0c")).toBe("a\\5cb\\00c");
    expect(escapeFilterValue("jürgen@corp")).toBe("jürgen@corp");
    expect(fillFilter("(|(mail={0})(uid={0}))", "admin)(|(uid=*")).toBe(
      "(|(mail=admin\\29\\28|\\28uid=\\2a)(uid=admin\\29\\28|\\28uid=\\2a))",
    );
    expect(() => parseFilter(fillFilter("(uid={0})", "*)(uid=*"))).not.toThrow();
  });
});

describe("filter syntax", () => {
  const valid = [
    "(&(objectclass=user)(objectcategory=person))",
    "(&(&(objectclass=user)(objectcategory=person))(mail=*@xy-company.com))",
    "(memberOf=CN=groupName,OU=users,DC=xy-company,DC=com)",
    "userPrincipalName=x",
    "(userAccountControl:1.2.840.113556.1.4.803:=2)",
    "(!(userAccountControl:1.2.840.113556.1.4.803:=2))",
    "(cn=Jo\\28hn\\29)",
    "(uidNumber>=1000)",
    "(mail=*)",
    "(cn:dn:2.5.13.5:=x)",
  ];
  for (const f of valid) it(`accepts ${f}`, () => expect(filterError(f)).toBeUndefined());

  const invalid: [string, RegExp][] = [
    ["(&(objectClass=user)", /“\)” is missing/],
    ["(objectClass=user))", /Unexpected text/],
    ["(=user)", /attribute name/],
    ["(cn=a(b)", /unescaped “\(”/],
    ["(cn=\\zz)", /two hexadecimal digits/],
    ["(&)", /at least one filter/],
    ["", /empty/],
    ["(cn~x)", /Expected “=”/],
  ];
  for (const [f, message] of invalid)
    it(`refuses ${JSON.stringify(f)}`, () => expect(filterError(f)).toMatch(message));
});

describe("DNs (RFC 4514)", () => {
  it("accepts ordinary and escaped DNs", () => {
    for (const dn of [
      "ou=users,dc=xy-company,dc=com",
      "CN=Smith\\, John,OU=Sales,DC=corp,DC=example,DC=com",
      "cn=a+sn=b,dc=x",
      "cn=#04024869,dc=x",
      "1.3.6.1.4.1.1466.0=x,dc=y",
    ]) {
      expect(dnError(dn)).toBeUndefined();
    }
  });
  it("refuses what is not a DN, saying why", () => {
    expect(dnError("")).toMatch(/Enter a DN/);
    expect(dnError("users")).toMatch(/has no “=”/);
    expect(dnError("ou=users,")).toMatch(/ends with a separator/);
    expect(dnError("ou=,dc=x")).toMatch(/has no value/);
    expect(dnError("o u=x")).toMatch(/not an attribute name/);
  });
  it("escapes values and builds a base DN from a domain", () => {
    expect(escapeDnValue("Smith, John")).toBe("Smith\\, John");
    expect(escapeDnValue(" #lead")).toBe("\\ #lead");
    expect(dnFromDomain("Corp.Example.com")).toBe("dc=corp,dc=example,dc=com");
  });
});

describe("disabled status", () => {
  it("reads Active Directory's userAccountControl as a bit mask", () => {
    expect(isDisabledValue(["514"], "2", "BIT_SET")).toBe(true);
    expect(isDisabledValue(["66050"], "2", "BIT_SET")).toBe(true);
    expect(isDisabledValue(["512"], "2", "BIT_SET")).toBe(false);
    expect(isDisabledValue(["66048"], "2", "BIT_SET")).toBe(false);
    expect(isDisabledValue([], "2", "BIT_SET")).toBe(false);
  });
  it("compares case-insensitively with 'equals' (the seed's behaviour)", () => {
    expect(isDisabledValue(["514"], "514", "EQUALS")).toBe(true);
    expect(isDisabledValue(["66050"], "514", "EQUALS")).toBe(false);
    expect(isDisabledValue(["Disabled"], "disabled", "EQUALS")).toBe(true);
  });
});

describe("error translation", () => {
  const where = { host: "dc1.corp", port: 389, timeoutMs: 5000, bindDn: "cn=svc" };
  it("reads Active Directory's sub-codes", () => {
    const text = "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563";
    expect(adSubcode(text)).toBe("52e");
    expect(
      translateDirectoryError({ code: 49, message: text, name: "InvalidCredentialsError" }, where).message,
    ).toBe("Invalid credentials: the password is wrong (52e).");
    expect(translateDirectoryError({ code: 49, message: "data 775," }, where).message).toContain(
      "locked (775)",
    );
    expect(translateDirectoryError({ code: 49, message: "data 533," }, where).message).toContain(
      "disabled (533)",
    );
  });
  it("names network failures", () => {
    expect(translateDirectoryError({ code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND" }, where).kind).toBe(
      "name-not-resolved",
    );
    expect(
      translateDirectoryError({ code: "DEPTH_ZERO_SELF_SIGNED_CERT", message: "self signed" }, where).message,
    ).toContain("self-signed");
  });
});

describe("connection schema", () => {
  const good = {
    name: "Corp AD",
    preset: "ACTIVE_DIRECTORY",
    serverUrl: "ldaps://dc1.corp.example.com:636",
    serverTimeout: "5000",
    managerDn: "CN=svc-console,OU=Service,DC=corp,DC=example,DC=com",
    managerPassword: "secret",
    baseDn: "DC=corp,DC=example,DC=com",
    domain: "corp.example.com",
    startTls: false,
    caCertificate: "",
    ...PRESETS.ACTIVE_DIRECTORY,
  };
  it("accepts a complete Active Directory connection, binding by DN, user@domain or DOMAIN\\user", () => {
    expect(connectionSchema.safeParse(good).success).toBe(true);
    expect(connectionSchema.safeParse({ ...good, managerDn: "svc-console@corp.example.com" }).success).toBe(
      true,
    );
    expect(connectionSchema.safeParse({ ...good, managerDn: "CORP\\svc-console" }).success).toBe(true);
  });
  it("puts each error on its field", () => {
    const bad = connectionSchema.safeParse({
      ...good,
      serverUrl: "http://x",
      serverTimeout: "12.5",
      managerDn: "svc",
      baseDn: "dc=corp,",
      syncFilter: "(&(a=b)",
      authFilter: "(mail=x)",
      domain: "not a domain",
      emailField: "ma il",
      statusDisabled: "x".repeat(65),
      managerPassword: "p".repeat(129),
    });
    const fields = Object.fromEntries((bad.error?.issues ?? []).map((i) => [i.path[0], i.message]));
    expect(fields.serverUrl).toMatch(/ldap:\/\/ or ldaps:\/\//);
    expect(fields.serverTimeout).toMatch(/whole number/);
    expect(fields.managerDn).toMatch(/“=”/);
    expect(fields.baseDn).toMatch(/separator/);
    expect(fields.syncFilter).toMatch(/Not a valid LDAP filter/);
    expect(fields.authFilter).toMatch(/must contain \{0\}/);
    expect(fields.domain).toBeDefined();
    expect(fields.emailField).toBeDefined();
    expect(fields.statusDisabled).toMatch(/64/);
    expect(fields.managerPassword).toMatch(/128/);
  });
  it("refuses StartTLS on ldaps:// and a non-numeric bit value", () => {
    const r = connectionSchema.safeParse({ ...good, startTls: true, statusDisabled: "disabled" });
    const paths = (r.error?.issues ?? []).map((i) => i.path[0]);
    expect(paths).toEqual(expect.arrayContaining(["startTls", "statusDisabled"]));
  });
});
