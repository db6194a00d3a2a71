import "server-only";
import type { Entry } from "ldapts";
import type { DirectoryConnection } from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import { ANY_GROUP_FILTER } from "@/lib/directory/presets";

// Reading a directory's groups: shared by the sync (lib/sync/groups.ts) and Test connection.

export type GroupCount = { ok: true; count: number; more: boolean } | { ok: false; message: string };

/**
 * Counts the entries the group settings find (paged, up to `cap`), and says what is wrong in an
 * administrator's words when the Group base DN or the Group filter is refused.
 */
export async function countGroups(
  directory: DirectoryConnection,
  settings: { baseDn: string; filter: string },
  cap: number,
): Promise<GroupCount> {
  let count = 0;
  try {
    for await (const page of directory.searchPages(
      settings.baseDn,
      { scope: "sub", filter: settings.filter, attributes: ["1.1"] },
      500,
    )) {
      count += page.entries.length;
      if (count > cap) return { ok: true, count: cap, more: true };
    }
  } catch (error) {
    const e = error as DirectoryError;
    if (e.kind === "base-dn-not-found")
      return { ok: false, message: `The Group base DN ${settings.baseDn} does not exist on the server.` };
    return { ok: false, message: `The server refused the Group filter: ${e.message}` };
  }
  return { ok: true, count, more: false };
}

/** The object classes of group kinds that `entries` carry, as the server spells them. */
function groupClasses(entries: Entry[]): string[] {
  const known = ["group", "groupofnames", "groupofuniquenames", "posixgroup", "apple-group"];
  const classes = new Set<string>();
  for (const entry of entries)
    for (const c of [entry.objectClass ?? []].flat())
      if (known.includes(String(c).toLowerCase())) classes.add(String(c));
  return [...classes];
}

/** Group objects of any kind under `base` (at most a few), or undefined when the question fails. */
async function anyGroups(directory: DirectoryConnection, base: string): Promise<Entry[] | undefined> {
  try {
    const { entries } = await directory.search(base, {
      scope: "sub",
      filter: ANY_GROUP_FILTER,
      attributes: ["objectClass"],
      sizeLimit: 20,
    });
    return entries;
  } catch (error) {
    // The size limit was reached: there are some, of classes not known here.
    if ((error as DirectoryError).kind === "size-limit") return [{ dn: base }];
    return undefined;
  }
}

/**
 * When the Group filter finds nothing, a directory that does hold group objects is said so: of another class
 * under the Group base DN (AD-style `group` objects in an OpenLDAP directory, posixGroups…), or elsewhere
 * under the directory's dc= suffix (a Group base DN left to a Base DN of people). Undefined when there are
 * none, or when the question itself fails (then nothing more is known).
 */
export async function missedGroupsHint(
  directory: DirectoryConnection,
  baseDn: string,
): Promise<string | undefined> {
  const here = await anyGroups(directory, baseDn);
  if (here?.length) {
    const classes = groupClasses(here);
    return (
      `The Group filter finds no groups under ${baseDn}, but the directory has entries of object class ` +
      `${classes.join(", ") || "group"} there: add them to the Group filter, e.g. ` +
      `(objectClass=${classes[0] ?? "group"}).`
    );
  }
  // The dc= components at the end of the base: the directory's suffix, as far as the base tells.
  const suffix = baseDn.slice(baseDn.search(/(^|,)\s*dc\s*=/i)).replace(/^,\s*/, "");
  if (!/^\s*dc\s*=/i.test(suffix) || suffix.length === baseDn.length) return undefined;
  const elsewhere = await anyGroups(directory, suffix);
  if (!elsewhere?.length) return undefined;
  const example = elsewhere[0].dn.replace(/^[^,]*,\s*/, "");
  return (
    `No groups under ${baseDn}, but ${suffix} has group objects (under ${example}, for one): set the ` +
    "Group base DN to where they are."
  );
}
