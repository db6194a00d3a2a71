// A real DNS server for tests: Debian's dnsmasq on 127.0.0.1 serving the given TXT records. Every other name
// is answered NXDOMAIN (`--local=/#/`), as an authoritative server answers a record that is not published.
import { spawn } from "node:child_process";
import dgram from "node:dgram";
import fs from "node:fs";
import { freePort } from "../ldap/net";

export type Dnsmasq = { server: string; port: number; stop: () => Promise<void> };

const DNSMASQ = ["/usr/sbin/dnsmasq"].find((p) => fs.existsSync(p)) ?? "dnsmasq";

/** `records`: name → TXT records; an array is one record of several strings (chunks). No commas in values. */
export async function startDnsmasq(
  records: Record<string, (string | string[])[]>,
  port?: number,
): Promise<Dnsmasq> {
  const p = port ?? (await freePort());
  const txt = Object.entries(records).flatMap(([name, values]) =>
    values.map((v) => `--txt-record=${name},${(Array.isArray(v) ? v : [v]).join(",")}`),
  );
  const child = spawn(
    DNSMASQ,
    [
      "--no-daemon",
      "--no-resolv",
      "--no-hosts",
      "--listen-address=127.0.0.1",
      `--port=${p}`,
      "--bind-interfaces",
      "--local=/#/",
      ...txt,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitForDns(
    p,
    () => child.exitCode !== null,
    () => stderr,
  );
  return {
    server: `127.0.0.1:${p}`,
    port: p,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

// Ready when it answers a query on UDP (any answer will do).
async function waitForDns(port: number, dead: () => boolean, stderr: () => string): Promise<void> {
  const query = Buffer.from("abcd01000001000000000000000000100001", "hex"); // root, TXT
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (dead()) throw new Error(`dnsmasq exited: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket("udp4");
      const timer = setTimeout(() => {
        socket.close();
        resolve(false);
      }, 200);
      socket.once("message", () => {
        clearTimeout(timer);
        socket.close();
        resolve(true);
      });
      socket.send(query, port, "127.0.0.1");
    });
    if (ok) return;
  }
  throw new Error(`dnsmasq did not answer on port ${port}: ${stderr()}`);
}
