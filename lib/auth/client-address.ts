// Who is signing in, for throttling. Pure.
//
// The address is taken from X-Forwarded-For only through TRUSTED_PROXIES proxies (default 0): each trusted
// proxy appends the address it received the request from, so with N of them the client is the Nth entry from
// the right, and everything to its left is whatever the client chose to send. With 0, X-Forwarded-For and
// X-Real-IP are ignored and the address is the TCP peer's. Next gives route handlers (and next-auth's
// authorize) no socket, so the server the console runs in (scripts/lib/client-address-preload.mjs, loaded by
// `npm start` / `npm run dev`) writes the peer's address into CLIENT_ADDRESS_HEADER on every request,
// replacing whatever a client sent under that name. Without that server, and with 0 proxies, the address is
// "unknown" (throttled by login alone), never a value the client chose.
import { isIP } from "node:net";

export const CLIENT_ADDRESS_HEADER = "x-directory-console-peer";

/** Set by the preload in this process: only then does CLIENT_ADDRESS_HEADER come from the console. */
function peerHeaderSet(): boolean {
  return (globalThis as Record<symbol, unknown>)[Symbol.for("directory-console.peer-header")] === true;
}

type Headers = Record<string, string | string[] | undefined> | undefined;

function header(headers: Headers, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function normalise(address: string | undefined): string {
  const value = address?.trim().replace(/^\[|\]$/g, "") ?? "";
  // An IPv4 client on a dual-stack socket: the same person as its IPv4 form.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  const plain = mapped ? mapped[1] : value.toLowerCase();
  return isIP(plain) ? plain : "unknown";
}

export function trustedProxies(value = process.env.TRUSTED_PROXIES): number {
  const n = Number(value ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= 20 ? n : 0;
}

export function clientAddress(
  headers: Headers,
  proxies = trustedProxies(),
  peerHeaderTrusted = peerHeaderSet(),
): string {
  if (proxies === 0) return peerHeaderTrusted ? normalise(header(headers, CLIENT_ADDRESS_HEADER)) : "unknown";
  const chain = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (chain.length === 0) return "unknown";
  // Fewer entries than proxies: the request skipped a proxy; its farthest hop is the best there is.
  return normalise(chain[Math.max(0, chain.length - proxies)]);
}
