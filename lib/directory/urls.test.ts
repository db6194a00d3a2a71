import { describe, expect, it } from "vitest";
import { serverUrls, serverUrlsError } from "@/lib/directory/urls";
import { connectionSchema } from "@/lib/connections/schema";

describe("several Server URLs in one field", () => {
  it("splits on spaces, new lines and commas, in order", () => {
    expect(serverUrls(" ldap://a  ldaps://b:636\nldap://c,ldap://d ")).toEqual([
      "ldap://a",
      "ldaps://b:636",
      "ldap://c",
      "ldap://d",
    ]);
  });

  it("names the bad URL when there are several", () => {
    expect(serverUrlsError("ldap://a http://b")).toBe(
      "http://b: The URL must start with ldap:// or ldaps://.",
    );
    expect(serverUrlsError("ldap://a ldap://b/dc=x")).toMatch(/^ldap:\/\/b\/dc=x: Only the scheme/);
    expect(serverUrlsError("ldap://a LDAP://A")).toBe("A server URL is listed twice.");
    expect(serverUrlsError("ldap://a ldaps://b:636")).toBeUndefined();
    expect(serverUrlsError("http://x")).toBe("The URL must start with ldap:// or ldaps://.");
  });

  it("refuses StartTLS when any of the URLs is ldaps://", () => {
    const base = {
      name: "x",
      preset: "OPENLDAP",
      serverTimeout: 1000,
      managerDn: "cn=a,dc=b",
      managerPassword: "",
      baseDn: "dc=b",
      syncFilter: "(uid=*)",
      authFilter: "(uid={0})",
      domain: "b.example",
      accountNameField: "uid",
      emailField: "mail",
      userPrincipalNameField: "mail",
      fullNameField: "cn",
      statusField: "employeeType",
      statusDisabled: "disabled",
      statusDisabledMode: "EQUALS",
      caCertificate: "",
    };
    const mixed = connectionSchema.safeParse({ ...base, serverUrl: "ldap://a ldaps://b", startTls: true });
    expect(mixed.success).toBe(false);
    expect(mixed.error?.issues[0].path).toEqual(["startTls"]);
    const plain = connectionSchema.safeParse({ ...base, serverUrl: "ldap://a\nldap://b", startTls: true });
    expect(plain.success).toBe(true);
  });
});
