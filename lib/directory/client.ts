import "server-only";
import net from "node:net";
import tls from "node:tls";
import { Client, type Entry, type SearchOptions } from "ldapts";
import { DirectoryError, translateDirectoryError, type DirectoryErrorKind } from "@/lib/directory/errors";
import { serverUrls } from "@/lib/directory/urls";

export type DirectoryConfig = {
  serverUrl: string;
  serverTimeout: number;
  managerDn: string;
  managerPassword: string;
  baseDn: string;
  startTls: boolean;
  caCertificate?: string | null;
};

export type Endpoint = { host: string; port: number; secure: boolean };

export function endpointOf(serverUrl: string): Endpoint {
  const url = new URL(serverUrl);
  const secure = url.protocol === "ldaps:";
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || (secure ? 636 : 389)),
    secure,
  };
}

function tlsOptions(config: DirectoryConfig, host: string): tls.ConnectionOptions {
  // SNI carries host names only (RFC 6066); an IP address is
  // still checked against the certificate's IP entries.
  const options: tls.ConnectionOptions = {
    servername: net.isIP(host) ? undefined : host,
    minVersion: "TLSv1.2",
  };
  // A given CA is trusted in addition to the system's.
  if (config.caCertificate?.trim()) options.ca = [...tls.rootCertificates, config.caCertificate.trim()];
  return options;
}

/**
 * Failures that say this host cannot serve the connection now, not what the directory thinks of the request:
 * the next Server URL is tried. An LDAP answer (wrong password, no such base DN) is the directory's answer and
 * is never retried elsewhere: another replica would say the same, and each try costs a bind.
 */
const HOST_FAILURES = new Set<DirectoryErrorKind>([
  "name-not-resolved",
  "connection-refused",
  "timeout",
  "connection-lost",
  "certificate",
  "tls",
  "unavailable",
]);

export type FailedHost = { url: string; message: string };

type BindAs = { dn: string; password: string; what: "manager" | "user" };

/** The same settings with `url` tried first (the host that answered the manager, for the user's bind). */
export function preferring(config: DirectoryConfig, url: string): DirectoryConfig {
  const rest = serverUrls(config.serverUrl).filter((u) => u !== url);
  return { ...config, serverUrl: [url, ...rest].join(" ") };
}

/** An open LDAP connection, bound as the manager (or a user). Always closed with `close()`. */
export class DirectoryConnection {
  /** The hosts tried before the one that answered, and why each failed. */
  failed: FailedHost[] = [];

  private constructor(
    readonly client: Client,
    readonly config: DirectoryConfig,
    /** The Server URL that answered. */
    readonly url: string,
    readonly endpoint: Endpoint,
  ) {}

  /**
   * Tries the Server URLs in order, each within the Server Timeout; a host that refuses, times out or fails
   * TLS moves on to the next. When every host fails, the error names each of them.
   */
  static async open(
    config: DirectoryConfig,
    bind: BindAs | null = { dn: config.managerDn, password: config.managerPassword, what: "manager" },
  ): Promise<DirectoryConnection> {
    const urls = serverUrls(config.serverUrl);
    const failed: FailedHost[] = [];
    let last: DirectoryError | undefined;
    for (const url of urls) {
      try {
        const connection = await DirectoryConnection.openOne(config, url, bind);
        connection.failed = failed;
        return connection;
      } catch (error) {
        const e = error as DirectoryError;
        e.failedHosts = [...failed];
        if (!HOST_FAILURES.has(e.kind)) throw e;
        failed.push({ url, message: e.message });
        last = e;
      }
    }
    if (!last) throw new DirectoryError("other", "No Server URL is set.");
    if (failed.length === 1) throw last;
    const each = failed.map((f) => `${f.url}: ${f.message}`).join(" ");
    const all = new DirectoryError(last.kind, `None of the ${failed.length} servers answered. ${each}`);
    all.failedHosts = failed;
    throw all;
  }

  private static async openOne(config: DirectoryConfig, url: string, bind: BindAs | null) {
    const endpoint = endpointOf(url);
    const client = new Client({
      url,
      timeout: config.serverTimeout,
      connectTimeout: config.serverTimeout,
      tlsOptions: endpoint.secure ? tlsOptions(config, endpoint.host) : undefined,
      strictDN: false,
    });
    const connection = new DirectoryConnection(client, config, url, endpoint);
    try {
      if (config.startTls && !endpoint.secure) await client.startTLS(tlsOptions(config, endpoint.host));
      if (bind) await connection.bind(bind.dn, bind.password, bind.what);
      return connection;
    } catch (error) {
      await connection.close();
      throw connection.translate(error, { bindDn: bind?.dn, what: bind?.what });
    }
  }

  translate(
    error: unknown,
    extra: { bindDn?: string; baseDn?: string; what?: "manager" | "user" } = {},
  ): DirectoryError {
    return translateDirectoryError(error, {
      host: this.endpoint.host,
      port: this.endpoint.port,
      timeoutMs: this.config.serverTimeout,
      ...extra,
    });
  }

  async bind(dn: string, password: string, what: "manager" | "user"): Promise<void> {
    // An LDAP simple bind with an empty password is an anonymous bind and "succeeds": never send one.
    if (!password || (!password.trim() && what === "user"))
      throw new DirectoryError("invalid-credentials", "An empty password is refused.");
    if (!password) throw new DirectoryError("invalid-credentials", "The manager password is empty.");
    try {
      await this.client.bind(dn, password);
      this.session = { dn, password, what };
    } catch (error) {
      throw this.translate(error, { bindDn: dn, what });
    }
  }

  private session?: BindAs;
  private resuming?: Promise<void>;

  /**
   * No search ever runs unbound. ldapts reconnects a client whose server closed the connection (an idle
   * timeout, a restart) on its next operation without StartTLS and without binding, so that search would run
   * anonymously and find nothing: after any disconnect, StartTLS and the bind are done again first.
   */
  private async resume(): Promise<void> {
    if (this.client.isBound || !this.session) return;
    // Concurrent sign-ins share one reconnect: two at once would open two sockets on one client.
    this.resuming ??= this.rebind().finally(() => (this.resuming = undefined));
    return this.resuming;
  }

  private async rebind(): Promise<void> {
    const session = this.session!;
    try {
      if (this.config.startTls && !this.endpoint.secure)
        await this.client.startTLS(tlsOptions(this.config, this.endpoint.host));
    } catch (error) {
      throw this.translate(error);
    }
    await this.bind(session.dn, session.password, session.what);
  }

  async search(base: string, options: SearchOptions): Promise<{ entries: Entry[]; references: string[] }> {
    await this.resume();
    try {
      const result = await this.client.search(base, options);
      return { entries: result.searchEntries, references: result.searchReferences };
    } catch (error) {
      throw this.translate(error, { baseDn: base });
    }
  }

  /** Streams a paged search page by page (Active Directory returns at most 1,000 entries a page). */
  async *searchPages(
    base: string,
    options: SearchOptions,
    pageSize = 500,
  ): AsyncGenerator<{ entries: Entry[]; references: string[] }> {
    await this.resume();
    try {
      for await (const page of this.client.searchPaginated(base, { ...options, paged: { pageSize } })) {
        yield { entries: page.searchEntries, references: page.searchReferences };
      }
    } catch (error) {
      throw this.translate(error, { baseDn: base });
    }
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => {});
  }
}

export function firstValue(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString("utf8") : String(first);
}

export function allValues(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key ? entry[key] : undefined;
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) =>
    Buffer.isBuffer(v) ? v.toString("utf8") : String(v),
  );
}
