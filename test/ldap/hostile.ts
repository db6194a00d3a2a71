/* eslint-disable @typescript-eslint/no-explicit-any -- ldapjs's server handlers are untyped */
// ldapjs's untyped parts used here: req.connection.ldap, res.attributes.
// A hostile directory for tenant tests: an ldapjs server on 127.0.0.1 that an attacking organisation
// controls.
// It accepts every bind whatever the password, answers every search with whatever entries it was given
// (claiming other organisations' people), and records every bind and search it receives, so that a test can
// prove a directory never received a password or a search for a person outside its organisation.
import ldap from "ldapjs";
import { freePort } from "./net";

export type HostileEntry = { dn: string; attributes: Record<string, string[]> };

export type HostileDirectory = {
  url: string;
  baseDn: string;
  managerDn: string;
  managerPassword: string;
  /** DNs bound as (the manager's included), in order. */
  binds: string[];
  /** Filters of the searches received, as text. */
  searches: string[];
  stop: () => Promise<void>;
};

const norm = (dn: unknown) =>
  String(dn)
    .toLowerCase()
    .replace(/\s*,\s*/g, ",");

export async function startHostileDirectory(
  baseDn: string,
  people: HostileEntry[],
): Promise<HostileDirectory> {
  const entries = people.map((p) => ({
    dn: p.dn,
    attributes: Object.fromEntries(Object.entries(p.attributes).map(([k, v]) => [k.toLowerCase(), v])),
  }));
  const binds: string[] = [];
  const searches: string[] = [];
  const server = ldap.createServer();
  server.bind("", (req: any, res: any, next: any) => {
    binds.push(norm(req.dn));
    res.end();
    return next();
  });
  server.search("", (req: any, res: any, next: any) => {
    searches.push(String(req.filter));
    res.attributes = (res.attributes as string[]).map((a) => a.toLowerCase());
    const base = norm(req.dn);
    for (const entry of entries) {
      const dn = norm(entry.dn);
      const inScope = req.scope === "base" ? dn === base : dn === base || dn.endsWith(`,${base}`);
      if (inScope && req.filter.matches(entry.attributes, false))
        res.send({ dn: entry.dn, attributes: { ...entry.attributes } });
    }
    res.end();
    return next();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  // Clients (the console's reused manager connection) may stay connected: stop ends them too.
  const sockets = new Set<import("node:net").Socket>();
  (server as any).server.on("connection", (socket: import("node:net").Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    url: `ldap://127.0.0.1:${port}`,
    baseDn,
    managerDn: `cn=admin,${baseDn}`,
    managerPassword: "anything",
    binds,
    searches,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An inetOrgPerson entry of the hostile directory (OpenLDAP preset fields). */
export function hostilePerson(baseDn: string, uid: string, mail: string): HostileEntry {
  return {
    dn: `uid=${uid},ou=people,${baseDn}`,
    attributes: {
      objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"],
      uid: [uid],
      cn: [`${uid} (hostile)`],
      sn: ["Hostile"],
      mail: [mail],
      entryUUID: [`hostile-${uid}-${mail}`],
      employeeType: ["staff"],
    },
  };
}
