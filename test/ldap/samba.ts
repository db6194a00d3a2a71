// A real Samba Active Directory domain controller for tests: provisioned into a temporary folder, serving
// only LDAP on its own loopback address (Samba's ports are fixed: 389, 636, 3268, 3269).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { waitForPort, waitForPortClosed } from "./net";

export type SambaUser = {
  name: string;
  password: string;
  mail?: string;
  givenName?: string;
  surname?: string;
  disabled?: boolean;
  userAccountControl?: number;
};

export type SambaDc = {
  url: string;
  address: string;
  realm: string;
  domain: string;
  baseDn: string;
  adminUpn: string;
  adminPassword: string;
  dir: string;
  tool: (...args: string[]) => string;
  /** ldapmodify as the domain's Administrator over plain LDAP (changetype lines allowed). */
  ldif: (text: string) => void;
  /** Stops the DC and starts it again with the same data (clients are cut off). */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
};

// samba-tool needs Debian's own python3, which has Samba's modules.
const PYTHON = "/usr/bin/python3";
const SAMBA_TOOL = "/usr/bin/samba-tool";

export async function startSambaDc(
  options: { users?: SambaUser[]; address?: string } = {},
): Promise<SambaDc> {
  const address = options.address ?? process.env.SAMBA_TEST_ADDRESS ?? "127.0.0.2";
  const realm = "CORP.EXAMPLE.COM";
  const domain = "CORP";
  const baseDn = "DC=corp,DC=example,DC=com";
  const adminPassword = `Adm1n-${crypto.randomBytes(6).toString("hex")}!`;
  const dir = path.resolve(".data/test-samba", crypto.randomBytes(4).toString("hex"));
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(
    PYTHON,
    [
      SAMBA_TOOL,
      "domain",
      "provision",
      `--targetdir=${dir}`,
      `--realm=${realm}`,
      `--domain=${domain}`,
      `--adminpass=${adminPassword}`,
      "--use-rfc2307",
      "--dns-backend=NONE",
      "--server-role=dc",
      `--option=interfaces=${address}/8`,
      "--option=bind interfaces only=yes",
    ],
    { stdio: "pipe" },
  );
  const conf = path.join(dir, "etc", "smb.conf");
  fs.mkdirSync(path.join(dir, "run"), { recursive: true });
  fs.writeFileSync(
    conf,
    fs
      .readFileSync(conf, "utf8")
      .replace(
        /\tserver services = .*/,
        `\tserver services = ldap\n\tldap server require strong auth = no\n\tpid directory = ${dir}/run`,
      )
      .replace(/\tlog file = .*/, `\tlog file = ${dir}/log.%m`),
  );
  const tool = (...args: string[]) =>
    execFileSync(PYTHON, [SAMBA_TOOL, ...args, "-H", path.join(dir, "private", "sam.ldb"), "-s", conf], {
      stdio: "pipe",
    }).toString();
  for (const u of options.users ?? []) {
    tool(
      "user",
      "create",
      u.name,
      u.password,
      ...(u.mail ? [`--mail-address=${u.mail}`] : []),
      ...(u.givenName ? [`--given-name=${u.givenName}`] : []),
      ...(u.surname ? [`--surname=${u.surname}`] : []),
    );
    if (u.disabled) tool("user", "disable", u.name);
  }
  const launch = async () => {
    const started: ChildProcess = spawn("samba", ["-s", conf, "-F", "--no-process-group"], {
      stdio: "ignore",
      detached: true,
    });
    await waitForPort(389, address);
    return started;
  };
  const kill = async (c: ChildProcess) => {
    if (c.pid && c.exitCode === null) {
      try {
        process.kill(-c.pid, "SIGTERM");
      } catch {
        c.kill("SIGTERM");
      }
      await new Promise((r) => {
        c.once("exit", r);
        setTimeout(r, 5000);
      });
    }
  };
  let child = await launch();
  const adminUpn = `Administrator@${realm.toLowerCase()}`;
  const dc: SambaDc = {
    url: `ldap://${address}`,
    address,
    realm,
    domain,
    baseDn,
    adminUpn,
    adminPassword,
    dir,
    tool,
    ldif: (text) => {
      execFileSync("ldapmodify", ["-x", "-H", `ldap://${address}`, "-D", adminUpn, "-w", adminPassword], {
        input: text,
        stdio: ["pipe", "pipe", "pipe"],
      });
    },
    restart: async () => {
      await kill(child);
      // The port is free only once every Samba process has exited.
      await waitForPortClosed(389, address);
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
  return dc;
}
