import { describe, expect, it } from "vitest";
import { connectionSchema } from "@/lib/connections/schema";
import { PRESETS } from "@/lib/directory/presets";

const valid = {
  name: "Head office",
  preset: "OPENLDAP" as const,
  serverUrl: "ldap://ldap.example.com",
  serverTimeout: 5000,
  managerDn: "cn=admin,dc=example,dc=com",
  managerPassword: "",
  baseDn: "ou=people,dc=example,dc=com",
  domain: "example.com",
  startTls: false,
  caCertificate: "",
  groupBaseDn: "",
  ...PRESETS.OPENLDAP,
};

function errors(overrides: Record<string, unknown>) {
  const result = connectionSchema.safeParse({ ...valid, ...overrides });
  return result.success
    ? {}
    : Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("connectionSchema: group settings", () => {
  it("accepts every preset's defaults, with or without a Group base DN", () => {
    for (const preset of Object.keys(PRESETS) as (keyof typeof PRESETS)[])
      expect(errors({ preset, ...PRESETS[preset] })).toEqual({});
    expect(errors({ groupBaseDn: "ou=groups,dc=example,dc=com" })).toEqual({});
  });

  it("says what is wrong on each group field", () => {
    expect(errors({ groupBaseDn: "groups" })).toEqual({
      groupBaseDn: "Not a valid Group base DN: “groups” has no “=”: each part of a DN is name=value.",
    });
    expect(errors({ groupFilter: "(objectClass=group" })).toEqual({
      groupFilter: "Not a valid LDAP filter: A “)” is missing (at character 19).",
    });
    expect(errors({ groupFilter: " " })).toEqual({
      groupFilter: "Enter the group filter, such as (objectClass=group).",
    });
    expect(errors({ groupMemberAttributes: [] })).toEqual({
      groupMemberAttributes: "Choose at least one member attribute.",
    });
    expect(errors({ groupMemberAttributes: ["owner"] })).toEqual({
      "groupMemberAttributes.0": "Choose member, uniqueMember or memberUid.",
    });
  });
});
