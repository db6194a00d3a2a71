import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto";
import { Client } from "ldapts";
import { escapeFilterValue } from "@/lib/directory/filter";
import { PRESETS } from "@/lib/directory/presets";
import { syncConnection } from "@/lib/sync/engine";
import { sql } from "@/lib/sync/sql";
import { startSlapd, type LdapUser, type Slapd } from "@/test/ldap/slapd";
import { startSambaDc, type SambaDc } from "@/test/ldap/samba";
import { connectTo, makeOrg, uid, verifyDomain } from "@/test/factories";

// Groups against real servers: slapd with every kind of group object (groupOfNames, groupOfUniqueNames,
// posixGroup with memberUid, AD-style `group` objects from a small schema), nesting with a cycle, and Samba's
// in-chain rule as the reference for Active Directory nesting.

// slapd has no `group` object class: the AD-style groups some OpenLDAP directories hold come from a schema.
const AD_GROUP_SCHEMA = `dn: cn=adgroup,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: adgroup
olcObjectClasses: ( 1.3.6.1.4.1.99999.2.1 NAME 'group' SUP top STRUCTURAL MUST cn MAY ( member $ mail $ description ) )`;

const BASE = "dc=example,dc=com";
// A domain of this run only: other test files create people of example.com too.
const D = `g${uid()}.example`;
const person = (n: string): LdapUser => ({ uid: n, cn: `${n} Person`, mail: `${n}@${D}` });
const dn = (uid: string) => `uid=${uid},ou=people,${BASE}`;
const groupDn = (cn: string) => `cn=${cn},ou=groups,${BASE}`;

const GROUPS = `dn: cn=Mia Multi+uid=mia,ou=people,${BASE}
objectClass: inetOrgPerson
uid: mia
cn: Mia Multi
sn: Multi
mail: mia@${D}

dn: ${groupDn("staff")}
objectClass: groupOfNames
cn: staff
member: ${dn("ann")}
member: uid=BEN , OU=People, DC=example,DC=com
member: UID=mia+CN=mia multi,ou=people,${BASE}
member: uid=nobody,ou=people,${BASE}

dn: ${groupDn("unique")}
objectClass: groupOfUniqueNames
cn: unique
uniqueMember: ${dn("cat")}

dn: ${groupDn("posix")}
objectClass: posixGroup
cn: posix
gidNumber: 100
memberUid: dan
memberUid: EVE

dn: ${groupDn("adstyle")}
objectClass: group
cn: adstyle
mail: AdStyle@${D}
member: ${dn("eve")}
member: ${groupDn("staff")}

dn: ${groupDn("cycle-a")}
objectClass: groupOfNames
cn: cycle-a
member: ${dn("ann")}
member: ${groupDn("cycle-b")}

dn: ${groupDn("cycle-b")}
objectClass: groupOfNames
cn: cycle-b
member: ${dn("ben")}
member: ${groupDn("cycle-a")}`;

/** Each group's members as `email` (direct) or `email<via group` (inherited). */
async function membersOf(connectionId: string) {
  const groups = await db.directoryGroup.findMany({
    where: { connectionId },
    select: {
      name: true,
      members: {
        select: { direct: true, user: { select: { email: true } }, viaGroup: { select: { name: true } } },
      },
    },
  });
  return Object.fromEntries(
    groups.map((g) => [
      g.name,
      g.members.map((m) => (m.direct ? m.user.email : `${m.user.email}<${m.viaGroup?.name}`)).sort(),
    ]),
  );
}

const rowVersions = async (connectionId: string) =>
  (
    await sql<{ v: string }>(
      `select m.xmin::text || m."userId"::text as v from "DirectoryGroupMember" m
       join "DirectoryGroup" g on g.id = m."groupId" where g."connectionId" = $1::uuid order by 1`,
      [connectionId],
    )
  ).map((r) => r.v);

describe("groups from a real slapd", () => {
  let s: Slapd;
  beforeAll(async () => {
    s = await startSlapd({
      users: ["ann", "ben", "cat", "dan", "eve"].map(person),
      extraSchemaLdif: AD_GROUP_SCHEMA,
      extraLdif: GROUPS,
    });
  });
  afterAll(async () => s?.stop());

  // One connection for the describe: an email belongs to one account platform-wide.
  let conn: { id: string };
  const connect = async (overrides: Record<string, unknown> = {}) => {
    conn ??= await connectTo(s, await makeOrg(), { baseDn: BASE, domain: D });
    await db.ldapConnection.update({
      where: { id: conn.id },
      data: { groupBaseDn: "", ...PRESETS.OPENLDAP, ...overrides },
    });
    return conn;
  };

  it("maps groupOfNames, groupOfUniqueNames, posixGroup and AD-style group objects, nesting and cycles", async () => {
    const conn = await connect();
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(outcome.status).toBe("SUCCEEDED");
    expect(outcome.warnings.filter((w) => /group/i.test(w))).toEqual([]);
    expect(await membersOf(conn.id)).toEqual({
      // DNs matched whatever their case, spacing or RDN order; a DN that is no account is dropped.
      staff: [`ann@${D}`, `ben@${D}`, `mia@${D}`],
      unique: [`cat@${D}`],
      // memberUid values are account names (the Account Name field, uid), matched case-insensitively.
      posix: [`dan@${D}`, `eve@${D}`],
      adstyle: [`ann@${D}<staff`, `ben@${D}<staff`, `eve@${D}`, `mia@${D}<staff`],
      // A in B in A: both groups have both members.
      "cycle-a": [`ann@${D}`, `ben@${D}<cycle-b`],
      "cycle-b": [`ann@${D}<cycle-a`, `ben@${D}`],
    });
    const adstyle = await db.directoryGroup.findFirstOrThrow({
      where: { connectionId: conn.id, name: "adstyle" },
      select: { email: true, dn: true },
    });
    expect(adstyle).toEqual({ email: `adstyle@${D}`, dn: groupDn("adstyle") });

    // An unchanged directory rewrites no membership.
    const before = await rowVersions(conn.id);
    expect(before).toHaveLength(14);
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(await rowVersions(conn.id)).toEqual(before);
  });

  it("reads groups under the Group base DN with the Group filter, and says which member attributes it skips", async () => {
    const conn = await connect({
      groupBaseDn: `ou=groups,${BASE}`,
      groupFilter: "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))",
      groupMemberAttributes: ["member"],
    });
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    const members = await membersOf(conn.id);
    expect(Object.keys(members).sort()).toEqual(["cycle-a", "cycle-b", "posix", "staff", "unique"]);
    expect(members.unique).toEqual([]);
    expect(outcome.warnings).toEqual(
      expect.arrayContaining([
        "1 group has members in uniqueMember, which the Member attribute setting does not read: add " +
          "uniqueMember to read them.",
        "1 group has members in memberUid, which the Member attribute setting does not read: add " +
          "memberUid to read them.",
      ]),
    );
  });

  it("says so when the Group filter misses the directory's AD-style group objects", async () => {
    const conn = await connect({ groupFilter: "(objectClass=groupOfNames)", groupBaseDn: "" });
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    await db.ldapConnection.update({
      where: { id: conn.id },
      data: { groupFilter: "(objectClass=nothing)" },
    });
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(outcome.warnings.join("\n")).toMatch(
      /The Group filter finds no groups under dc=example,dc=com, but the directory has entries of object class .*group/,
    );
    // The read was complete and found none: the stored groups are gone too.
    expect(await membersOf(conn.id)).toEqual({});
  });

  it("keeps the stored groups when the group read fails, and says so", async () => {
    const conn = await connect();
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    const before = await membersOf(conn.id);
    expect(before.staff).toHaveLength(3);
    await db.ldapConnection.update({
      where: { id: conn.id },
      data: { groupBaseDn: `ou=missing,${BASE}` },
    });
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(outcome.status).toBe("SUCCEEDED");
    expect(outcome.warnings.join("\n")).toMatch(
      /Groups were not read, the stored groups are kept as they were/,
    );
    expect(await membersOf(conn.id)).toEqual(before);
  });
});

describe("groups hold only current accounts", () => {
  let s: Slapd;
  beforeAll(async () => {
    s = await startSlapd({
      users: ["amy", "bob", "cyd"].map(person),
      extraLdif:
        `dn: ${groupDn("team")}\nobjectClass: groupOfNames\ncn: team\n` +
        ["amy", "bob", "cyd"].map((u) => `member: ${dn(u)}`).join("\n"),
    });
  });
  afterAll(async () => s?.stop());

  it("an email change moves the membership to the new account; a gone entry is no member", async () => {
    const conn = await connectTo(s, await makeOrg(), { baseDn: BASE, domain: D });
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect((await membersOf(conn.id)).team).toEqual([`amy@${D}`, `bob@${D}`, `cyd@${D}`]);
    s.ldif(`dn: ${dn("amy")}\nchangetype: modify\nreplace: mail\nmail: amy.new@${D}\n`);
    // bob's entry goes; OpenLDAP without the refint overlay leaves his DN in the group.
    s.ldif(`dn: ${dn("bob")}\nchangetype: delete\n`);
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true, allowDisable: true });
    expect(outcome.status).toBe("SUCCEEDED");
    expect((await membersOf(conn.id)).team).toEqual([`amy.new@${D}`, `cyd@${D}`]);
    const old = await db.user.findUniqueOrThrow({
      where: { email: `amy@${D}` },
      select: { supersededById: true, groupMemberships: { select: { groupId: true } } },
    });
    expect(old.supersededById).not.toBeNull();
    expect(old.groupMemberships).toEqual([]);
  });
});

describe("nested groups from a real Samba Active Directory", () => {
  let dc: SambaDc;
  beforeAll(async () => {
    dc = await startSambaDc({
      users: ["alma", "bo", "cy", "di"].map((name) => ({
        name,
        password: "Passw0rd-Group!",
        mail: `${name}@corp.example.com`,
      })),
    });
    dc.tool("group", "add", "Engineers");
    dc.tool("group", "add", "Platform");
    dc.tool("group", "add", "Everyone Eng");
    dc.tool("group", "addmembers", "Platform", "alma,bo");
    dc.tool("group", "addmembers", "Engineers", "cy,Platform");
    dc.tool("group", "addmembers", "Everyone Eng", "di,Engineers");
    // A cycle: Active Directory allows it.
    dc.tool("group", "addmembers", "Platform", "Everyone Eng");
  }, 120_000);
  afterAll(async () => dc?.stop());

  it("expands nesting as Active Directory's LDAP_MATCHING_RULE_IN_CHAIN does", async () => {
    const org = await makeOrg();
    await verifyDomain(org, "corp.example.com");
    const conn = await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: "Corp AD",
        preset: "ACTIVE_DIRECTORY",
        serverUrl: dc.url,
        serverTimeout: 5000,
        managerDn: dc.adminUpn,
        managerPasswordEnc: encryptSecret(dc.adminPassword),
        baseDn: dc.baseDn,
        domain: "corp.example.com",
        ...PRESETS.ACTIVE_DIRECTORY,
        syncFilter: "(&(objectClass=user)(objectCategory=person)(mail=*))",
      },
    });
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(outcome.status).toBe("SUCCEEDED");
    const members = await membersOf(conn.id);
    expect(members.Platform).toEqual([
      "alma@corp.example.com",
      "bo@corp.example.com",
      "cy@corp.example.com<Everyone Eng",
      "di@corp.example.com<Everyone Eng",
    ]);

    // The server's own answer: members at any depth of each group, by the in-chain matching rule.
    // Asked with ldapts directly, not through the console's code under test.
    const ad = new Client({ url: dc.url, timeout: 5000 });
    await ad.bind(dc.adminUpn, dc.adminPassword);
    try {
      for (const name of ["Engineers", "Platform", "Everyone Eng"]) {
        const group = await db.directoryGroup.findFirstOrThrow({
          where: { connectionId: conn.id, name },
          select: { dn: true },
        });
        const { searchEntries: entries } = await ad.search(dc.baseDn, {
          scope: "sub",
          filter: `(&(mail=*)(memberOf:1.2.840.113556.1.4.1941:=${escapeFilterValue(group.dn)}))`,
          attributes: ["mail"],
        });
        const inChain = entries.map((e) => String(e.mail).toLowerCase()).sort();
        expect(members[name].map((m) => m.split("<")[0]).sort()).toEqual(inChain);
        expect(inChain).toHaveLength(4);
      }
    } finally {
      await ad.unbind();
    }
  });
});
