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

/**
 * Where member values point: `member` and `uniqueMember` hold DNs (users, or nested groups); `memberUid`
 * holds account names (posixGroup, apple-group), matched through the Account Name field.
 */
export const MEMBER_ATTRIBUTES = ["member", "uniqueMember", "memberUid"] as const;
export type MemberAttribute = (typeof MEMBER_ATTRIBUTES)[number];

export type GroupFields = { groupFilter: string; groupMemberAttributes: MemberAttribute[] };

export type PresetFields = FieldNames & GroupFields & { syncFilter: string; authFilter: string };

// Group objects of each product. OpenLDAP and 389 directories hold whatever their administrators loaded:
// groupOfNames (member), groupOfUniqueNames (uniqueMember), posixGroup (memberUid) and AD-style `group`
// objects (member) all occur, so their default covers every one of them.
const LDAP_GROUPS: GroupFields = {
  groupFilter:
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group)(objectClass=posixGroup))",
  groupMemberAttributes: ["member", "uniqueMember", "memberUid"],
};

/** What a directory's group objects usually are, to say so when the Group filter finds none. */
export const ANY_GROUP_FILTER =
  "(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)" +
  "(objectClass=posixGroup)(objectClass=apple-group))";

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
    // Nested groups are expanded by the sync (lib/sync/groups.ts), as for every other product.
    groupFilter: "(objectClass=group)",
    groupMemberAttributes: ["member"],
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
    ...LDAP_GROUPS,
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
    // apple-group and posixGroup name their members by short name (memberUid).
    groupFilter: "(|(objectClass=apple-group)(objectClass=posixGroup)(objectClass=groupOfNames))",
    groupMemberAttributes: ["memberUid", "member"],
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
    ...LDAP_GROUPS,
  },
};

/** A status the server computes from other state (a lockout's time and the domain's policy, a role). */
export type ComputedStatus = {
  attribute: string;
  /** The value (or bit, with BIT_SET) that makes the entry count as disabled while the server reports it. */
  disabled: string;
  mode: StatusMode;
};

/**
 * What the console knows about a directory product beyond its editable defaults: the one home of vendor
 * knowledge, keyed by preset.
 */
export type VendorKnowledge = {
  /**
   * What a listing asks for: the stable id the mapping prefers there and the version. Fewer attributes are
   * fewer bytes to decode 100,000 times. A server that is not what its preset says answers without them, and
   * the listing gives way to a full read. (uSNChanged is also Active Directory's change mark; entryCSN
   * carries the time modifyTimestamp would give.)
   */
  listingAttributes: string[];
  /**
   * The connection's Status field may be computed by the server: 389's role lock gives every member of a
   * locked role `nsAccountLock: true` through Class of Service, and neither the entry nor its
   * modifyTimestamp changes. A listing reads it, since the entry's version does not tell.
   */
  statusFieldComputed: boolean;
  /** Computed attributes that disable an entry as well as its Status field, read by listings and full reads. */
  computedStatus: ComputedStatus[];
};

export const VENDOR: Record<DirectoryPreset, VendorKnowledge> = {
  ACTIVE_DIRECTORY: {
    listingAttributes: ["objectGUID", "uSNChanged"],
    statusFieldComputed: false,
    // UF_LOCKOUT (0x10): set while a lockout lasts (lockoutTime within the domain's lockout duration). AD
    // never sets it in userAccountControl, and its end changes no uSNChanged: only this constructed
    // attribute tells. A locked-out person counts as disabled until the server stops reporting it.
    computedStatus: [{ attribute: "msDS-User-Account-Control-Computed", disabled: "16", mode: "BIT_SET" }],
  },
  OPENLDAP: { listingAttributes: ["entryUUID", "entryCSN"], statusFieldComputed: false, computedStatus: [] },
  OPEN_DIRECTORY: {
    listingAttributes: ["entryUUID", "apple-generateduid", "GeneratedUID", "entryCSN", "modifyTimestamp"],
    statusFieldComputed: false,
    computedStatus: [],
  },
  DS389: {
    listingAttributes: ["entryUUID", "nsUniqueId", "modifyTimestamp"],
    statusFieldComputed: true,
    computedStatus: [],
  },
};

export function vendorOf(preset: string | undefined): VendorKnowledge | undefined {
  return preset && preset in VENDOR ? VENDOR[preset as DirectoryPreset] : undefined;
}

/** The attributes a listing must read besides ids and versions, because the server computes the status. */
export function listingStatusAttributes(
  preset: string | undefined,
  fields: { statusField: string },
): string[] {
  const vendor = vendorOf(preset);
  if (!vendor) return [];
  return [
    ...(vendor.statusFieldComputed && fields.statusField ? [fields.statusField] : []),
    ...vendor.computedStatus.map((c) => c.attribute),
  ];
}

/** Computed status attributes every read of an entry asks for, beyond the connection's own fields. */
export function computedStatusAttributes(preset: string | undefined): string[] {
  return vendorOf(preset)?.computedStatus.map((c) => c.attribute) ?? [];
}

/**
 * The group settings a sync and Test connection use: blank stored values (connections created before the
 * settings, or by a script) mean the Base DN and the preset's defaults.
 */
export function groupSettings(c: {
  preset: DirectoryPreset;
  baseDn: string;
  groupBaseDn?: string | null;
  groupFilter?: string | null;
  groupMemberAttributes?: readonly string[] | null;
}): { baseDn: string; filter: string; memberAttributes: MemberAttribute[] } {
  const preset = PRESETS[c.preset] ?? PRESETS.OPENLDAP;
  const chosen = (c.groupMemberAttributes ?? []).filter((a): a is MemberAttribute =>
    (MEMBER_ATTRIBUTES as readonly string[]).includes(a),
  );
  return {
    baseDn: c.groupBaseDn?.trim() || c.baseDn,
    filter: c.groupFilter?.trim() || preset.groupFilter,
    memberAttributes: chosen.length ? chosen : preset.groupMemberAttributes,
  };
}

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
