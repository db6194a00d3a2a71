/* eslint-disable @typescript-eslint/no-explicit-any -- ldapjs's server handlers (req, res) are untyped */
// The demo directory `npm run dev` starts on 127.0.0.1: a small OpenLDAP-like tree served by ldapjs's server
// API (ldapjs is decommissioned as a client; this is its only use here). Data is generated at start.
import ldap from "ldapjs";

export const DEMO_BASE_DN = "dc=acme,dc=example";
export const DEMO_MANAGER_DN = `cn=admin,${DEMO_BASE_DN}`;
export const DEMO_MANAGER_PASSWORD = "Demo-manager-2026";
export const DEMO_USER_PASSWORD = "Demo-user-2026";

const FIRST = [
  "Ada",
  "Ben",
  "Chloe",
  "Dev",
  "Elena",
  "Farid",
  "Grace",
  "Hugo",
  "Ines",
  "Jonas",
  "Kira",
  "Liam",
  "Maya",
  "Noah",
  "Olga",
  "Pavel",
  "Quinn",
  "Rosa",
  "Sami",
  "Tara",
  "Umar",
  "Vera",
  "Wen",
  "Xavier",
  "Yara",
  "Zoe",
];
const LAST = [
  "Adams",
  "Berg",
  "Costa",
  "Dietrich",
  "Evans",
  "Fischer",
  "Garcia",
  "Hansen",
  "Ivanova",
  "Jensen",
  "Kowalski",
  "Lopez",
  "Moreau",
  "Nakamura",
  "Okafor",
  "Petrov",
  "Quist",
  "Rossi",
  "Schmidt",
  "Tanaka",
];

type Entry = { dn: string; attributes: Record<string, string[]> };

export function demoEntries(count = 36): Entry[] {
  const entries: Entry[] = [
    {
      dn: DEMO_BASE_DN,
      attributes: { objectClass: ["top", "dcObject", "organization"], dc: ["acme"], o: ["Acme"] },
    },
    { dn: `ou=people,${DEMO_BASE_DN}`, attributes: { objectClass: ["organizationalUnit"], ou: ["people"] } },
    { dn: `ou=groups,${DEMO_BASE_DN}`, attributes: { objectClass: ["organizationalUnit"], ou: ["groups"] } },
  ];
  const people: string[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    const uid = `${first}.${last}`.toLowerCase();
    const dn = `uid=${uid},ou=people,${DEMO_BASE_DN}`;
    people.push(dn);
    entries.push({
      dn,
      attributes: {
        objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"],
        uid: [uid],
        cn: [`${first} ${last}`],
        sn: [last],
        givenName: [first],
        mail: [`${uid}@acme.example`],
        // Every seventh person is disabled in the directory.
        employeeType: [i % 7 === 6 ? "disabled" : "staff"],
        entryUUID: [`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`],
      },
    });
  }
  entries.push(
    {
      dn: `cn=engineering,ou=groups,${DEMO_BASE_DN}`,
      attributes: {
        objectClass: ["groupOfNames"],
        cn: ["engineering"],
        member: people.filter((_, i) => i % 2 === 0),
      },
    },
    {
      dn: `cn=sales,ou=groups,${DEMO_BASE_DN}`,
      attributes: {
        objectClass: ["groupOfNames"],
        cn: ["sales"],
        member: people.filter((_, i) => i % 2 === 1),
      },
    },
  );
  return entries;
}

export async function startDemoDirectory(port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  // ldapjs selects requested attributes by their lower-case names: serve them lower-case.
  const entries = demoEntries().map((e) => ({
    dn: e.dn,
    attributes: Object.fromEntries(Object.entries(e.attributes).map(([k, v]) => [k.toLowerCase(), v])),
  }));
  const byDn = new Map(entries.map((e) => [e.dn.toLowerCase(), e]));
  const server = ldap.createServer();
  const norm = (dn: unknown) =>
    String(dn)
      .toLowerCase()
      .replace(/\s*,\s*/g, ",");

  server.bind(DEMO_BASE_DN, (req: any, res: any, next: any) => {
    const dn = norm(req.dn);
    const password = String(req.credentials ?? "");
    if (!password) return next(new ldap.InvalidCredentialsError());
    if (dn === norm(DEMO_MANAGER_DN) && password === DEMO_MANAGER_PASSWORD) {
      res.end();
      return next();
    }
    const entry = byDn.get(dn);
    if (entry?.attributes.uid && password === DEMO_USER_PASSWORD) {
      res.end();
      return next();
    }
    return next(new ldap.InvalidCredentialsError());
  });

  const authorized = (req: any) => norm(req.connection.ldap.bindDN) === norm(DEMO_MANAGER_DN);

  server.search("", (req: any, res: any, next: any) => {
    if (norm(req.dn) === "") {
      res.send({
        dn: "",
        attributes: {
          objectclass: ["top"],
          vendorname: ["Directory Console demo directory (ldapjs)"],
          namingcontexts: [DEMO_BASE_DN],
          supportedldapversion: ["3"],
        },
      });
      res.end();
      return next();
    }
    if (!authorized(req)) return next(new ldap.InsufficientAccessRightsError());
    // ldapjs compares each entry's lower-cased attribute names with the requested names as sent: lower-case
    // those too, so that employeeType and entryUUID are answered as a real server would.
    res.attributes = (res.attributes as string[]).map((a) => a.toLowerCase());
    const base = norm(req.dn);
    if (!byDn.has(base)) return next(new ldap.NoSuchObjectError(String(req.dn)));
    for (const entry of entries) {
      const dn = entry.dn.toLowerCase();
      const inScope =
        req.scope === "base"
          ? dn === base
          : req.scope === "one"
            ? dn.endsWith(`,${base}`) && dn.split(",").length === base.split(",").length + 1
            : dn === base || dn.endsWith(`,${base}`);
      if (inScope && req.filter.matches(entry.attributes, false)) {
        res.send({ dn: entry.dn, attributes: { ...entry.attributes } });
      }
    }
    res.end();
    return next();
  });

  // The manager may change entries (ldapmodify, or `npm run cli -- demo-directory disable <uid>`), so that a
  // newcomer can disable a user and watch the sync, the notification and the transfer. Changes live in memory
  // until the console stops; modifyTimestamp is stamped so incremental syncs see them.
  server.modify(DEMO_BASE_DN, (req: any, res: any, next: any) => {
    if (!authorized(req)) return next(new ldap.InsufficientAccessRightsError());
    const entry = byDn.get(norm(req.dn));
    if (!entry) return next(new ldap.NoSuchObjectError(String(req.dn)));
    for (const change of req.changes as any[]) {
      const type = String(change.modification.type).toLowerCase();
      const values = (change.modification.values as unknown[]).map(String);
      const current = entry.attributes[type] ?? [];
      if (change.operation === "replace") entry.attributes[type] = values;
      else if (change.operation === "add") entry.attributes[type] = [...current, ...values];
      else if (change.operation === "delete")
        entry.attributes[type] = values.length ? current.filter((v: string) => !values.includes(v)) : [];
      if (entry.attributes[type].length === 0) delete entry.attributes[type];
    }
    entry.attributes.modifytimestamp = [
      new Date()
        .toISOString()
        .replace(/[-:T]/g, "")
        .replace(/\.\d+Z$/, "Z"),
    ];
    res.end();
    return next();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return { url: `ldap://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) };
}
