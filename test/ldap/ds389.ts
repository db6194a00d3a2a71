// A real 389 Directory Server for tests: one instance made by dscreate in a temporary folder (a "prefix"
// install, so that lib389 neither asks systemd nor touches /etc/dirsrv), listening on free ports of 127.0.0.1
// only. Seeded with LDIF over the wire as cn=Directory Manager. dscreate costs about 9 s: start one per test
// file, never one per test.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { freePort, waitForPort } from "./net";
import { userEntry, type LdapUser } from "./slapd";

export type Ds389 = {
  url: string;
  port: number;
  baseDn: string;
  managerDn: string;
  managerPassword: string;
  dir: string;
  userDn: (uid: string, ou?: string) => string;
  /** ldapmodify as cn=Directory Manager (changetype lines allowed). */
  ldif: (text: string) => void;
  /** Runs Debian's dsidm against this server, e.g. dsidm("role", "lock", dn). */
  dsidm: (...args: string[]) => string;
  /** Stops the server and starts it again on the same ports with the same data (clients are cut off). */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
};

const NS_SLAPD = "/usr/sbin/ns-slapd";

/**
 * lib389 reads its paths from PREFIX/share/dirsrv/inf/defaults.inf when PREFIX is set: a copy of Debian's with
 * every writable path under the prefix, with_systemd = 0 (else dscreate calls systemctl whatever the inf says),
 * and root as the server's user. Debian's package made a `dirsrv` user, but the prefix lives under the
 * worktree, which that user may not be able to traverse; the tests run as root, and so may the server.
 */
function writeDefaults(prefix: string): void {
  const user = process.getuid?.() === 0 ? "root" : (process.env.USER ?? "dirsrv");
  const text = fs
    .readFileSync("/usr/share/dirsrv/inf/defaults.inf", "utf8")
    .replace(/^with_systemd = 1$/m, "with_systemd = 0")
    // sysconf_dir stays /etc: dscreate copies its schema templates from /etc/dirsrv/schema.
    .replace(/^(?!sysconf_dir)(\w+) = \/(etc|var|run|tmp)\b/gm, `$1 = ${prefix}/$2`)
    .replace(/^db_home_dir = \/dev\/shm\//m, `db_home_dir = ${prefix}/shm/`)
    .replace(/^tmpfiles_d = .*$/m, `tmpfiles_d = ${prefix}/tmpfiles.d`)
    .replace(/^user = .*$/m, `user = ${user}`)
    .replace(/^group = .*$/m, `group = ${user}`);
  fs.mkdirSync(path.join(prefix, "share/dirsrv/inf"), { recursive: true });
  fs.writeFileSync(path.join(prefix, "share/dirsrv/inf/defaults.inf"), text);
}

export async function startDs389(
  options: {
    users?: LdapUser[];
    baseDn?: string;
    extraLdif?: string;
    /** nsslapd-idletimeout: the server closes client connections idle this long. */
    idleTimeoutSeconds?: number;
  } = {},
): Promise<Ds389> {
  const baseDn = options.baseDn ?? "dc=example,dc=com";
  const name = `t${crypto.randomBytes(3).toString("hex")}`;
  // Short: the server's LDAPI socket path lives under it (unix socket paths stop at 107 bytes).
  const dir = path.resolve(".data/t389", name);
  fs.mkdirSync(dir, { recursive: true });
  writeDefaults(dir);
  const managerPassword = crypto.randomBytes(9).toString("base64url");
  const managerDn = "cn=Directory Manager";
  const port = await freePort();
  const securePort = await freePort();
  fs.writeFileSync(
    path.join(dir, "instance.inf"),
    [
      "[general]",
      "config_version = 2",
      "full_machine_name = localhost",
      "strict_host_checking = False",
      "selinux = False",
      "systemd = False",
      "start = True",
      "[slapd]",
      `instance_name = ${name}`,
      `port = ${port}`,
      `secure_port = ${securePort}`,
      "self_sign_cert = False",
      `root_password = ${managerPassword}`,
      "[backend-userroot]",
      `suffix = ${baseDn}`,
      "create_suffix_entry = True",
      "",
    ].join("\n"),
  );
  const env = { ...process.env, PREFIX: dir };
  try {
    execFileSync("/usr/sbin/dscreate", ["from-file", path.join(dir, "instance.inf")], { env, stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`dscreate failed: ${e.stdout?.toString() ?? ""}${e.stderr?.toString() ?? ""}`);
  }
  const url = `ldap://127.0.0.1:${port}`;
  const ldif = (text: string) => {
    execFileSync("ldapmodify", ["-x", "-a", "-H", url, "-D", managerDn, "-w", managerPassword], {
      input: text,
      stdio: ["pipe", "pipe", "pipe"],
    });
  };
  // Until nsslapd-listenhost is set, 389 listens on every address of the machine.
  ldif(
    `dn: cn=config\nchangetype: modify\nreplace: nsslapd-listenhost\nnsslapd-listenhost: 127.0.0.1\n-\n` +
      `replace: nsslapd-securelistenhost\nnsslapd-securelistenhost: 127.0.0.1\n` +
      (options.idleTimeoutSeconds
        ? `-\nreplace: nsslapd-idletimeout\nnsslapd-idletimeout: ${options.idleTimeoutSeconds}\n`
        : ""),
  );
  const ous = new Set(["people", "groups", ...(options.users ?? []).map((u) => u.ou ?? "people")]);
  const data = [
    ...[...ous].map(
      (ou) => `dn: ou=${ou},${baseDn}\nobjectClass: top\nobjectClass: organizationalUnit\nou: ${ou}`,
    ),
    ...(options.users ?? []).map((u) => userEntry(baseDn, u)),
    ...(options.extraLdif ? [options.extraLdif] : []),
  ].join("\n\n");
  ldif(`${data}\n`);

  // dscreate started the server as a daemon; from now on it runs in the foreground as our child (-d 0), so
  // that stop() and restart() need neither dsctl (a Python start-up per call) nor a pid file.
  const configDir = path.join(dir, "etc/dirsrv", `slapd-${name}`);
  const pidFile = path.join(dir, "run/dirsrv", `slapd-${name}.pid`);
  const stopDaemon = async () => {
    const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
    process.kill(pid, "SIGTERM");
    while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
  };
  await stopDaemon();
  const launch = async () => {
    const started = spawn(NS_SLAPD, ["-D", configDir, "-i", pidFile, "-d", "0"], { stdio: "ignore" });
    await waitForPort(port);
    return started;
  };
  const kill = async (c: ChildProcess) => {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill("SIGTERM");
      await new Promise((r) => c.once("exit", r));
    }
  };
  let child = await launch();
  return {
    url,
    port,
    baseDn,
    managerDn,
    managerPassword,
    dir,
    userDn: (uid, ou = "people") => `uid=${uid},ou=${ou},${baseDn}`,
    ldif,
    dsidm: (...args) =>
      execFileSync("/usr/sbin/dsidm", [url, "-D", managerDn, "-w", managerPassword, "-b", baseDn, ...args], {
        env,
        stdio: "pipe",
      }).toString(),
    restart: async () => {
      await kill(child);
      child = await launch();
    },
    stop: async () => {
      await kill(child);
      try {
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (error) {
        console.warn(`could not remove ${dir}: ${(error as Error).message}`);
      }
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
