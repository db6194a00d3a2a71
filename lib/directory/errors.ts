// Turns what the network, TLS and the LDAP server say into words an administrator can act on. Pure.

export type DirectoryErrorKind =
  | "name-not-resolved"
  | "connection-refused"
  | "timeout"
  | "certificate"
  | "tls"
  | "invalid-credentials"
  | "encryption-required"
  | "base-dn-not-found"
  | "filter-invalid"
  | "no-entries"
  | "insufficient-access"
  | "connection-lost"
  | "size-limit"
  | "unavailable"
  | "other";

export class DirectoryError extends Error {
  /** With several Server URLs: the hosts that failed before this answer (or all of them). */
  failedHosts?: { url: string; message: string }[];

  constructor(
    readonly kind: DirectoryErrorKind,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "DirectoryError";
  }
}

// Active Directory puts a sub-code in the text of an invalidCredentials result: "... data 52e, v4563".
export const AD_SUBCODES: Record<string, string> = {
  "525": "the user does not exist (525)",
  "52e": "the password is wrong (52e)",
  "530": "the account may not sign in at this time (530)",
  "531": "the account may not sign in from this workstation (531)",
  "532": "the password has expired (532)",
  "533": "the account is disabled (533)",
  "701": "the account has expired (701)",
  "773": "the password must be changed before signing in (773)",
  "775": "the account is locked (775)",
};

export function adSubcode(message: string): string | undefined {
  return /data ([0-9a-f]{3})\b/i.exec(message)?.[1]?.toLowerCase();
}

const CERT_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server uses a self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "the certificate chain ends in a self-signed CA that is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the certificate was signed by a CA that is not trusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the certificate was signed by a CA that is not trusted",
  UNABLE_TO_GET_ISSUER_CERT: "the certificate's issuer is unknown",
  CERT_HAS_EXPIRED: "the certificate has expired",
  CERT_NOT_YET_VALID: "the certificate is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "the certificate was issued for another host name",
};

type Where = {
  host: string;
  port: number;
  timeoutMs: number;
  bindDn?: string;
  baseDn?: string;
  what?: "manager" | "user";
};

/**
 * One error of ldapts or of the socket under it, as a DirectoryError whose message says what to check. Errors of
 * the network or TLS come first (they carry Node's codes), then LDAP result codes.
 */
export function translateDirectoryError(error: unknown, where: Where): DirectoryError {
  if (error instanceof DirectoryError) return error;
  const e = error as { code?: string | number; message?: string; name?: string };
  const message = String(e?.message ?? error);
  const code = typeof e?.code === "string" ? e.code : undefined;
  return (
    networkError(code, message, where) ??
    ldapResultError(e?.code, message, where) ??
    new DirectoryError(
      "other",
      `The directory answered with an error: ${e?.name ?? "unknown error"}.`,
      message,
    )
  );
}

/** Failures before any LDAP answer: name, refusal, route, certificate, timeout, a closed socket, TLS. */
function networkError(code: string | undefined, message: string, where: Where): DirectoryError | null {
  const at = `${where.host}:${where.port}`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new DirectoryError(
      "name-not-resolved",
      `The server name ${where.host} could not be resolved. Check the host name in Server URL.`,
      code,
    );
  if (code === "ECONNREFUSED")
    return new DirectoryError(
      "connection-refused",
      `Connection refused by ${at}: no LDAP server listens there, or a firewall rejects it. Check ` +
        "the host and port in Server URL.",
      code,
    );
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return new DirectoryError(
      "connection-refused",
      `${at} cannot be reached from the console's network.`,
      code,
    );
  if (code && CERT_REASONS[code]) {
    return new DirectoryError(
      "certificate",
      `The server's certificate is not trusted: ${CERT_REASONS[code]}. Paste the CA certificate ` +
        "that signed it into CA certificate, or fix the certificate on the server.",
      code,
    );
  }
  if (/timeout|timed out/i.test(message) || code === "ETIMEDOUT") {
    return new DirectoryError(
      "timeout",
      `No answer from ${at} within ${where.timeoutMs} ms (Server Timeout). The server may be down, ` +
        "overloaded, or behind a firewall that drops packets.",
      message,
    );
  }
  if (
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    /socket|connection closed|closed connection/i.test(message)
  ) {
    return new DirectoryError(
      "connection-lost",
      `The connection to ${at} was closed by the server. If the server needs TLS, use ldaps:// or StartTLS.`,
      message,
    );
  }
  if (/ssl|tls|certificate|wrong version number/i.test(message)) {
    return new DirectoryError(
      "tls",
      `The TLS handshake with ${at} failed: ${message.split("\n")[0]}. Check that the port speaks ` +
        `${where.port === 636 || where.port === 3269 ? "LDAPS" : "the protocol the URL names"}.`,
      message,
    );
  }
  return null;
}

/** LDAP result codes (RFC 4511) that need words of their own; null for the rest. */
function ldapResultError(code: unknown, message: string, where: Where): DirectoryError | null {
  const at = `${where.host}:${where.port}`;
  switch (code) {
    case 49: {
      const sub = adSubcode(message);
      const who = where.what === "user" ? "The user" : `The manager DN ${where.bindDn ?? ""}`.trim();
      return new DirectoryError(
        "invalid-credentials",
        sub && AD_SUBCODES[sub]
          ? `Invalid credentials: ${AD_SUBCODES[sub]}.`
          : `Invalid credentials: ${who} or its password is not right.`,
        sub,
      );
    }
    case 8:
    case 13:
      return new DirectoryError(
        "encryption-required",
        "The server requires an encrypted connection for this sign-in: use ldaps:// or turn on StartTLS.",
        message,
      );
    case 32:
      return new DirectoryError(
        "base-dn-not-found",
        `The base DN ${where.baseDn ?? ""} does not exist on the server. Check Base DN.`.replace("  ", " "),
        message,
      );
    case 34:
      return new DirectoryError(
        "other",
        "The server refused a DN as invalid. Check Manager DN and Base DN.",
        message,
      );
    case 50:
      return new DirectoryError(
        "insufficient-access",
        "The manager account may not read there: give it read access to Base DN.",
        message,
      );
    case 4:
      return new DirectoryError(
        "size-limit",
        "The server's size limit was reached: the read is incomplete.",
        message,
      );
    case 3:
      return new DirectoryError(
        "timeout",
        "The server's time limit was reached: the read is incomplete.",
        message,
      );
    case 51:
    case 52:
      return new DirectoryError(
        "unavailable",
        `The directory at ${at} is unavailable or busy. Try again later.`,
        message,
      );
    case 87:
      return new DirectoryError(
        "filter-invalid",
        "The server refused the filter. Check Sync filter.",
        message,
      );
  }
  return null;
}
