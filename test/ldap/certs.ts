// A throw-away CA and a server certificate for 127.0.0.1 / localhost, made with openssl.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export type Certs = { caPem: string; caFile: string; certFile: string; keyFile: string; otherCaPem: string };

export function makeCerts(dir: string): Certs {
  fs.mkdirSync(dir, { recursive: true });
  const p = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=Directory Console Test CA",
  );
  ssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    p("server.key"),
    "-out",
    p("server.csr"),
    "-subj",
    "/CN=localhost",
  );
  fs.writeFileSync(
    p("ext.cnf"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3\nextendedKeyUsage=serverAuth\n",
  );
  ssl(
    "x509",
    "-req",
    "-in",
    p("server.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-out",
    p("server.pem"),
    "-days",
    "2",
    "-extfile",
    p("ext.cnf"),
  );
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    p("other.key"),
    "-out",
    p("other.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=Some Other CA",
  );
  fs.chmodSync(p("server.key"), 0o644);
  return {
    caPem: fs.readFileSync(p("ca.pem"), "utf8"),
    caFile: p("ca.pem"),
    certFile: p("server.pem"),
    keyFile: p("server.key"),
    otherCaPem: fs.readFileSync(p("other.pem"), "utf8"),
  };
}
