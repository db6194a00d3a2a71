// A real OpenLDAP slapd for tests: its own cn=config and mdb database in a temporary folder, on free ports of
// 127.0.0.1, with LDAPS and StartTLS from a throw-away CA. Data is loaded offline with slapadd.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { makeCerts, type Certs } from "./certs";
import { freePort, waitForPort } from "./net";

export { freePort };

export type LdapUser = {
  uid: string;
  cn: string;
  sn?: string;
  mail?: string;
  password?: string;
  employeeType?: string;
  ou?: string;
  objectClasses?: string[];
  extra?: Record<string, string | string[]>;
};

export type Slapd = {
  url: string;
  ldapsUrl: string;
  port: number;
  baseDn: string;
  managerDn: string;
  managerPassword: string;
  certs: Certs;
  dir: string;
  userDn: (uid: string, ou?: string) => string;
  ldif: (text: string) => void;
  /** Stops the server and starts it again on the same ports with the same data (clients are cut off). */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
};

const SLAPD = ["/usr/sbin/slapd", "/usr/local/libexec/slapd"].find((p) => fs.existsSync(p)) ?? "slapd";
const SLAPADD = ["/usr/sbin/slapadd"].find((p) => fs.existsSync(p)) ?? "slapadd";

export function userEntry(baseDn: string, u: LdapUser): string {
  const ou = u.ou ?? "people";
  const lines = [
    `dn: uid=${u.uid},ou=${ou},${baseDn}`,
    ...(u.objectClasses ?? ["top", "person", "organizationalPerson", "inetOrgPerson"]).map(
      (o) => `objectClass: ${o}`,
    ),
    `uid: ${u.uid}`,
    `cn: ${u.cn}`,
    `sn: ${u.sn ?? u.cn.split(" ").pop()}`,
  ];
  if (u.mail) lines.push(`mail: ${u.mail}`);
  if (u.password) lines.push(`userPassword: ${u.password}`);
  if (u.employeeType) lines.push(`employeeType: ${u.employeeType}`);
  for (const [k, v] of Object.entries(u.extra ?? {}))
    for (const value of [v].flat()) lines.push(`${k}: ${value}`);
  return lines.join("\n");
}

export async function startSlapd(
  options: {
    users?: LdapUser[];
    baseDn?: string;
    extraLdif?: string;
    extraSchemaLdif?: string;
    /**
     * olcIdleTimeout: the server closes client connections idle this long (389's nsslapd-idletimeout too).
     */
    idleTimeoutSeconds?: number;
  } = {},
): Promise<Slapd> {
  const baseDn = options.baseDn ?? "dc=example,dc=com";
  const dc = /^dc=([^,]+)/.exec(baseDn)?.[1] ?? "example";
  const dir = path.resolve(".data/test-ldap", crypto.randomBytes(4).toString("hex"));
  const confDir = path.join(dir, "slapd.d");
  const dataDir = path.join(dir, "data");
  fs.mkdirSync(confDir, { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const certs = makeCerts(path.join(dir, "tls"));
  const managerPassword = crypto.randomBytes(9).toString("base64url");
  const managerDn = `cn=admin,${baseDn}`;
  const schema = ["core", "cosine", "inetorgperson", "nis"]
    .map((n) => fs.readFileSync(`/etc/ldap/schema/${n}.ldif`, "utf8"))
    .join("\n\n");
  const idleTimeout = options.idleTimeoutSeconds ? `olcIdleTimeout: ${options.idleTimeoutSeconds}\n` : "";
  const config = `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid
${idleTimeout}olcTLSCACertificateFile: ${certs.caFile}
olcTLSCertificateFile: ${certs.certFile}
olcTLSCertificateKeyFile: ${certs.keyFile}

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${schema}
${options.extraSchemaLdif ? `\n${options.extraSchemaLdif}\n` : ""}
dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${baseDn}
olcRootDN: ${managerDn}
olcRootPW: ${managerPassword}
olcDbDirectory: ${dataDir}
olcDbMaxSize: 4294967296
olcDbIndex: objectClass eq
olcDbIndex: uid,mail eq
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by users read by * none
`;
  fs.writeFileSync(path.join(dir, "config.ldif"), config);
  execFileSync(SLAPADD, ["-n0", "-F", confDir, "-l", path.join(dir, "config.ldif")], { stdio: "pipe" });
  const ous = new Set(["people", "groups", ...(options.users ?? []).map((u) => u.ou ?? "people")]);
  const data = [
    `dn: ${baseDn}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: ${dc}\ndc: ${dc}`,
    ...[...ous].map((ou) => `dn: ou=${ou},${baseDn}\nobjectClass: organizationalUnit\nou: ${ou}`),
    ...(options.users ?? []).map((u) => userEntry(baseDn, u)),
    ...(options.extraLdif ? [options.extraLdif] : []),
  ].join("\n\n");
  fs.writeFileSync(path.join(dir, "data.ldif"), `${data}\n`);
  execFileSync(SLAPADD, ["-q", "-n1", "-F", confDir, "-l", path.join(dir, "data.ldif")], { stdio: "pipe" });

  const port = await freePort();
  const ldapsPort = await freePort();
  const launch = async () => {
    const started: ChildProcess = spawn(
      SLAPD,
      ["-d", "0", "-F", confDir, "-h", `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${ldapsPort}/`],
      { stdio: "ignore" },
    );
    await waitForPort(port);
    await waitForPort(ldapsPort);
    return started;
  };
  const kill = async (c: ChildProcess) => {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill("SIGTERM");
      await new Promise((r) => c.once("exit", r));
    }
  };
  let child = await launch();
  const url = `ldap://127.0.0.1:${port}`;
  return {
    url,
    ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
    port,
    baseDn,
    managerDn,
    managerPassword,
    certs,
    dir,
    userDn: (uid, ou = "people") => `uid=${uid},ou=${ou},${baseDn}`,
    ldif: (text: string) => {
      execFileSync("ldapmodify", ["-x", "-H", url, "-D", managerDn, "-w", managerPassword], {
        input: text,
        stdio: ["pipe", "pipe", "pipe"],
      });
    },
    restart: async () => {
      await kill(child);
      child = await launch();
    },
    stop: async () => {
      await kill(child);
      // Child processes may still be closing their files: retry, and never fail a test over cleanup.
      try {
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (error) {
        console.warn(`could not remove ${dir}: ${(error as Error).message}`);
      }
    },
  };
}

/** A TCP listener that accepts connections and never answers: the "timed out" case. */
export async function silentListener(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
