// Sensible defaults per directory product; every field stays editable after a preset fills it. Pure.
import type { StatusMode } from "@/lib/connections/schema";
import { DirectoryType } from "@/lib/generated/prisma/enums";

export const DIRECTORY_PRESETS = Object.values(DirectoryType);
export type DirectoryPreset = DirectoryType;

export const PRESET_LABELS: Record<DirectoryPreset, string> = {
  ACTIVE_DIRECTORY: "Microsoft Active Directory",
  OPENLDAP: "OpenLDAP",
  OPEN_DIRECTORY: "Apple Open Directory",
  DS389: "389 Directory Server / FreeIPA",
};

/** The field names through which entries are mapped to accounts (seed 004's table). */
export type FieldNames = {
  accountNameField: string;
  emailField: string;
  userPrincipalNameField: string;
  fullNameField: string;
  statusField: string;
  statusDisabled: string;
  statusDisabledMode: StatusMode;
};

export type PresetFields = FieldNames & { syncFilter: string; authFilter: string };

export const PRESETS: Record<DirectoryPreset, PresetFields> = {
  ACTIVE_DIRECTORY: {
    syncFilter: "(&(objectClass=user)(objectCategory=person))",
    authFilter: "(|(userPrincipalName={0})(mail={0})(sAMAccountName={0}))",
    accountNameField: "sAMAccountName",
    emailField: "mail",
    userPrincipalNameField: "userPrincipalName",
    fullNameField: "name",
    statusField: "userAccountControl",
    // ACCOUNTDISABLE (0x2): 514 and 66050 are both disabled.
    statusDisabled: "2",
    statusDisabledMode: "BIT_SET",
  },
  OPENLDAP: {
    syncFilter: "(objectClass=inetOrgPerson)",
    authFilter: "(|(mail={0})(uid={0}))",
    accountNameField: "uid",
    emailField: "mail",
    userPrincipalNameField: "mail",
    fullNameField: "cn",
    statusField: "employeeType",
    statusDisabled: "disabled",
    statusDisabledMode: "EQUALS",
  },
  OPEN_DIRECTORY: {
    syncFilter: "(|(objectClass=apple-user)(objectClass=inetOrgPerson))",
    authFilter: "(|(mail={0})(uid={0}))",
    accountNameField: "uid",
    emailField: "mail",
    userPrincipalNameField: "apple-generateduid",
    fullNameField: "cn",
    statusField: "authAuthority",
    statusDisabled: ";DisabledUser;",
    statusDisabledMode: "EQUALS",
  },
  DS389: {
    syncFilter: "(objectClass=person)",
    authFilter: "(|(mail={0})(uid={0}))",
    accountNameField: "uid",
    emailField: "mail",
    userPrincipalNameField: "krbPrincipalName",
    fullNameField: "cn",
    statusField: "nsAccountLock",
    statusDisabled: "TRUE",
    statusDisabledMode: "EQUALS",
  },
};

/**
 * Is an entry disabled? "equals" compares case-insensitively; "bit set" reads the value as a bit mask (AD).
 */
export function isDisabledValue(values: string[], expected: string, mode: StatusMode): boolean {
  if (!expected) return false;
  if (mode === "BIT_SET") {
    const mask = BigInt.asUintN(64, BigInt(Number.parseInt(expected, 10) || 0));
    return values.some(
      (v) =>
        /^-?\d+$/.test(v.trim()) && (BigInt.asUintN(64, BigInt(v.trim())) & mask) === mask && mask !== 0n,
    );
  }
  return values.some((v) => v.trim().toLowerCase() === expected.trim().toLowerCase());
}
