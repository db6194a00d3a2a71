import "server-only";
import { Resolver } from "node:dns/promises";

// TXT look-ups for domain verification: through DNS_SERVER (ip:port) when it is set, otherwise the system
// resolver. A name without records is an answer ("not published yet"), never an error page.

export type TxtLookup =
  { kind: "found"; values: string[] } | { kind: "none" } | { kind: "unreachable"; code: string };

function resolver(): Resolver {
  // Short timeouts: the administrator is waiting for the answer of a button.
  const r = new Resolver({ timeout: 2500, tries: 2 });
  const server = process.env.DNS_SERVER?.trim();
  if (server) r.setServers([server]);
  return r;
}

/** Every TXT record of `name`, each record's chunks joined (long values are split in 255-byte strings). */
export async function lookupTxt(name: string): Promise<TxtLookup> {
  try {
    const records = await resolver().resolveTxt(name);
    return records.length
      ? { kind: "found", values: records.map((chunks) => chunks.join("")) }
      : { kind: "none" };
  } catch (error) {
    const code = (error as { code?: string }).code ?? "EUNKNOWN";
    // NXDOMAIN and NODATA: the record is not (yet) published.
    if (code === "ENOTFOUND" || code === "ENODATA") return { kind: "none" };
    return { kind: "unreachable", code };
  }
}
