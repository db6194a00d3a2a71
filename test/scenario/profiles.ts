// The five directories of the shared scenario (test/scenario/directories.ts), one Profile each.
import { DirectoryConnection } from "@/lib/directory/client";
import { PRESETS } from "@/lib/directory/presets";
import { startDs389 } from "@/test/ldap/ds389";
import { startSambaDc } from "@/test/ldap/samba";
import { startSlapd, type LdapUser } from "@/test/ldap/slapd";
import { PEOPLE, type Profile, type ScenarioServer, type Who } from "./directories";
import { APPLE_SCHEMA, AD_GROUP_SCHEMA } from "./schemas";

type LdifServer = ScenarioServer & { ldif: (text: string) => void };

const cap = (who: string) => `${who[0].toUpperCase()}${who.slice(1)}`;
const password = (who: Who) => `${cap(who)}-pw-${who.length}7x!`;

/** How people are written in an OpenLDAP-like directory; dnOf gives each one's DN once it exists. */
type LdapShape = {
  dnOf: (s: ScenarioServer, who: Who) => string;
  person: (who: Who, domain: string) => LdapUser;
  group: (s: ScenarioServer) => string;
};

const plain: LdapShape = {
  dnOf: (s, who) => `uid=${who},ou=people,${s.baseDn}`,
  person: (who, domain) => ({
    uid: who,
    cn: `${cap(who)} Person`,
    mail: `${who}@${domain}`,
    password: password(who),
  }),
  group: (s) =>
    `dn: cn=engineers,ou=groups,${s.baseDn}\nobjectClass: groupOfNames\ncn: engineers\n` +
    `member: uid=ada,ou=people,${s.baseDn}\nmember: uid=ben,ou=people,${s.baseDn}\n\n` +
    // A nested group: engineers are inherited members of staff.
    `dn: cn=staff,ou=groups,${s.baseDn}\nobjectClass: groupOfNames\ncn: staff\n` +
    `member: uid=gus,ou=people,${s.baseDn}\nmember: cn=engineers,ou=groups,${s.baseDn}`,
};

/** What every profile's groups hold once mapped (test/scenario/directories.ts stepGroups). */
const GROUPS = [
  { name: "engineers", members: ["ada", "ben"] },
  { name: "staff", members: ["gus", "ada<engineers", "ben<engineers"] },
];

// The changes of the scenario as LDIF, for every directory but Active Directory.
function ldapChanges(shape: LdapShape, disableLdif: string, enableLdif?: string) {
  const mod = (s: ScenarioServer, who: Who, body: string) =>
    (s as LdifServer).ldif(`dn: ${shape.dnOf(s, who)}\nchangetype: modify\n${body}\n`);
  return {
    change: async (s: ScenarioServer) => mod(s, "ben", "replace: cn\ncn: Ben Changed"),
    disable: async (s: ScenarioServer) => mod(s, "cat", disableLdif),
    enable: enableLdif ? async (s: ScenarioServer) => mod(s, "cat", enableLdif) : undefined,
    remove: async (s: ScenarioServer) =>
      (s as LdifServer).ldif(`dn: ${shape.dnOf(s, "dan")}\nchangetype: delete\n`),
    rename: async (s: ScenarioServer) =>
      (s as LdifServer).ldif(
        `dn: ${shape.dnOf(s, "eve")}\nchangetype: modrdn\nnewrdn: cn=Eve Person\ndeleteoldrdn: 0\n`,
      ),
    move: async (s: ScenarioServer) =>
      (s as LdifServer).ldif(
        `dn: ${shape.dnOf(s, "fay")}\nchangetype: modrdn\nnewrdn: uid=fay\ndeleteoldrdn: 1\n` +
          `newsuperior: ou=others,${s.baseDn}\n`,
      ),
  };
}

const IDLE = 2;

export const OPENLDAP: Profile = {
  name: "OpenLDAP",
  start: (domain) =>
    startSlapd({
      users: PEOPLE.map((w) => plain.person(w, domain)),
      extraLdif:
        `dn: ou=others,dc=example,dc=com\nobjectClass: organizationalUnit\nou: others\n\n` +
        plain.group({ baseDn: "dc=example,dc=com" } as ScenarioServer),
      idleTimeoutSeconds: IDLE,
    }),
  connection: (s) => ({ ...PRESETS.OPENLDAP, preset: "OPENLDAP", baseDn: s.baseDn }),
  password,
  accountName: (who) => who,
  ...ldapChanges(plain, "replace: employeeType\nemployeeType: disabled"),
  expectedGroups: GROUPS,
  idleTimeoutSeconds: IDLE,
};

const ds389Of = (s: ScenarioServer) => s as ScenarioServer & { dsidm: (...a: string[]) => string };

export const DS389: Profile = {
  name: "389 Directory Server",
  start: (domain) =>
    startDs389({
      users: PEOPLE.map((w) => ({
        ...plain.person(w, domain),
        // gus is a contractor: the role the lock step locks.
        ...(w === "gus" ? { employeeType: "contractor" } : {}),
      })),
      extraLdif:
        `dn: ou=others,dc=example,dc=com\nobjectClass: top\nobjectClass: organizationalUnit\nou: others\n\n` +
        `dn: cn=contractors,ou=people,dc=example,dc=com\nobjectClass: top\nobjectClass: ldapsubentry\n` +
        `objectClass: nsRoleDefinition\nobjectClass: nsComplexRoleDefinition\n` +
        `objectClass: nsFilteredRoleDefinition\ncn: contractors\nnsRoleFilter: (employeeType=contractor)\n\n` +
        plain.group({ baseDn: "dc=example,dc=com" } as ScenarioServer),
      idleTimeoutSeconds: IDLE,
    }),
  connection: (s) => ({ ...PRESETS.DS389, preset: "DS389", baseDn: s.baseDn }),
  password,
  accountName: (who) => who,
  ...ldapChanges(plain, "replace: nsAccountLock\nnsAccountLock: true"),
  // dsidm's role lock: every member of the role gets nsAccountLock through Class of Service; no member entry
  // (nor its modifyTimestamp) changes.
  lock: {
    lock: async (s) => void ds389Of(s).dsidm("role", "lock", `cn=contractors,ou=people,${s.baseDn}`),
    unlock: async (s) => void ds389Of(s).dsidm("role", "unlock", `cn=contractors,ou=people,${s.baseDn}`),
  },
  expectedGroups: GROUPS,
  idleTimeoutSeconds: IDLE,
};

// Open Directory: apple-user entries (an auxiliary class on inetOrgPerson, as Apple's server writes them)
// with apple-generateduid and authAuthority.
const apple: LdapShape = {
  ...plain,
  person: (who, domain) => ({
    ...plain.person(who, domain),
    objectClasses: ["top", "person", "organizationalPerson", "inetOrgPerson", "apple-user"],
    extra: {
      "apple-generateduid": `0A1B2C3D-0000-4000-8000-${String(PEOPLE.indexOf(who)).padStart(12, "0")}`,
      authAuthority: ";basic;",
    },
  }),
};

export const OPEN_DIRECTORY: Profile = {
  ...OPENLDAP,
  name: "OpenLDAP with Open Directory entries",
  start: (domain) =>
    startSlapd({
      users: PEOPLE.map((w) => apple.person(w, domain)),
      extraSchemaLdif: APPLE_SCHEMA,
      extraLdif:
        `dn: ou=others,dc=example,dc=com\nobjectClass: organizationalUnit\nou: others\n\n` +
        plain.group({ baseDn: "dc=example,dc=com" } as ScenarioServer),
      idleTimeoutSeconds: IDLE,
    }),
  connection: (s) => ({ ...PRESETS.OPEN_DIRECTORY, preset: "OPEN_DIRECTORY", baseDn: s.baseDn }),
  ...ldapChanges(apple, "replace: authAuthority\nauthAuthority: ;DisabledUser;"),
};

// AD-style `group` objects in OpenLDAP, and a person whose RDN is multi-valued.
const multi: LdapShape = {
  ...plain,
  dnOf: (s, who) => (who === "ada" ? `cn=Ada Person+uid=ada,ou=people,${s.baseDn}` : plain.dnOf(s, who)),
  group: (s) =>
    `dn: cn=engineers,ou=groups,${s.baseDn}\nobjectClass: group\ncn: engineers\n` +
    // The member DN written with the RDN's values in the other order, and other spacing.
    `member: uid=ada+cn=Ada Person, ou=people,${s.baseDn}\nmember: uid=ben,ou=people,${s.baseDn}\n\n` +
    `dn: cn=staff,ou=groups,${s.baseDn}\nobjectClass: group\ncn: staff\n` +
    `member: uid=gus,ou=people,${s.baseDn}\nmember: CN=Engineers,OU=Groups,${s.baseDn.toUpperCase()}`,
};

export const AD_STYLE_OPENLDAP: Profile = {
  ...OPENLDAP,
  name: "OpenLDAP with AD-style groups and multi-valued RDNs",
  start: async (domain) => {
    const base = { baseDn: "dc=example,dc=com" } as ScenarioServer;
    const ada = multi.person("ada", domain);
    return startSlapd({
      users: PEOPLE.filter((w) => w !== "ada").map((w) => plain.person(w, domain)),
      extraSchemaLdif: AD_GROUP_SCHEMA,
      extraLdif:
        `dn: ou=others,dc=example,dc=com\nobjectClass: organizationalUnit\nou: others\n\n` +
        `dn: ${multi.dnOf(base, "ada")}\nobjectClass: inetOrgPerson\ncn: Ada Person\nuid: ada\nsn: Person\n` +
        `mail: ${ada.mail}\nuserPassword: ${ada.password}\n\n` +
        multi.group(base),
      idleTimeoutSeconds: IDLE,
    });
  },
  ...ldapChanges(multi, "replace: employeeType\nemployeeType: disabled"),
  // The OpenLDAP preset's Group filter covers AD-style `group` objects too.
  expectedGroups: GROUPS,
};

// Samba AD DC: people in CN=Users, made by samba-tool; changes over LDAP as Administrator.
const SAMBA_DN = (s: ScenarioServer, who: Who, moved = false) =>
  `CN=${cap(who)} Person,${moved ? "OU=Others" : "CN=Users"},${s.baseDn}`;

export const SAMBA: Profile = {
  name: "Samba AD DC",
  start: async (domain) => {
    const dc = await startSambaDc({
      users: PEOPLE.map((w) => ({
        name: w,
        password: password(w),
        mail: `${w}@${domain}`,
        givenName: cap(w),
        surname: "Person",
      })),
    });
    try {
      // samba-tool names each user's entry by given name and surname: CN=Ada Person,CN=Users,...
      const u = (w: Who) => `CN=${cap(w)} Person,CN=Users,${dc.baseDn}`;
      dc.ldif(
        `dn: OU=Others,${dc.baseDn}\nchangetype: add\nobjectClass: organizationalUnit\nou: Others\n\n` +
          `dn: CN=engineers,CN=Users,${dc.baseDn}\nchangetype: add\nobjectClass: group\n` +
          `sAMAccountName: engineers\nmember: ${u("ada")}\nmember: ${u("ben")}\n\n` +
          `dn: CN=staff,CN=Users,${dc.baseDn}\nchangetype: add\nobjectClass: group\n` +
          `sAMAccountName: staff\nmember: ${u("gus")}\nmember: CN=engineers,CN=Users,${dc.baseDn}\n\n` +
          // Three wrong passwords lock an account out (Samba's default threshold is 0: never).
          `dn: ${dc.baseDn}\nchangetype: modify\nreplace: lockoutThreshold\nlockoutThreshold: 3\n`,
      );
    } catch (error) {
      // A DC left running would hold the loopback address's ports for the next run.
      await dc.stop();
      throw error;
    }
    return { ...dc, managerDn: dc.adminUpn, managerPassword: dc.adminPassword };
  },
  connection: (s) => ({
    ...PRESETS.ACTIVE_DIRECTORY,
    preset: "ACTIVE_DIRECTORY",
    baseDn: s.baseDn,
    // Administrator, Guest and krbtgt are users without mail: not people of the scenario.
    syncFilter: "(&(objectClass=user)(objectCategory=person)(mail=*))",
    serverTimeout: 10_000,
  }),
  password,
  accountName: (who) => who,
  change: async (s) =>
    (s as LdifServer).ldif(
      `dn: ${SAMBA_DN(s, "ben")}\nchangetype: modrdn\nnewrdn: CN=Ben Changed\ndeleteoldrdn: 1\n`,
    ),
  disable: async (s) =>
    (s as LdifServer).ldif(
      `dn: ${SAMBA_DN(s, "cat")}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n`,
    ),
  remove: async (s) => (s as LdifServer).ldif(`dn: ${SAMBA_DN(s, "dan")}\nchangetype: delete\n`),
  rename: async (s) =>
    (s as LdifServer).ldif(
      `dn: ${SAMBA_DN(s, "eve")}\nchangetype: modrdn\nnewrdn: CN=Eve Renamed\ndeleteoldrdn: 1\n`,
    ),
  move: async (s) =>
    (s as LdifServer).ldif(
      `dn: ${SAMBA_DN(s, "fay")}\nchangetype: modrdn\nnewrdn: CN=Fay Person\ndeleteoldrdn: 1\nnewsuperior: OU=Others,${s.baseDn}\n`,
    ),
  lock: {
    // Wrong passwords until the DC locks the account out (UF_LOCKOUT in msDS-User-Account-Control-Computed).
    lock: async (s) => {
      const realm = (s as ScenarioServer & { realm: string }).realm.toLowerCase();
      for (let i = 0; i < 3; i++)
        await DirectoryConnection.open({
          serverUrl: s.url,
          serverTimeout: 5000,
          managerDn: `gus@${realm}`,
          managerPassword: "wrong-password-1",
          baseDn: s.baseDn,
          startTls: false,
        }).then(
          (d) => d.close(),
          () => {},
        );
    },
    unlock: async (s) =>
      (s as LdifServer).ldif(
        `dn: ${SAMBA_DN(s, "gus")}\nchangetype: modify\nreplace: lockoutTime\nlockoutTime: 0\n`,
      ),
  },
  // What the full name field (name) gives: the CN.
  expectedGroups: GROUPS,
};
