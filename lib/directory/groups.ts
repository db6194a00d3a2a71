import "server-only";
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

/**
 * When the Group filter finds nothing, a directory that does hold group objects of some kind (AD-style
 * `group` objects in an OpenLDAP directory, posixGroups…) is said so, naming the object classes found.
 * Undefined when there are none, or when the question itself fails (then nothing more is known).
 */
export async function missedGroupsHint(
  directory: DirectoryConnection,
  baseDn: string,
): Promise<string | undefined> {
  try {
    const { entries } = await directory.search(baseDn, {
      scope: "sub",
      filter: ANY_GROUP_FILTER,
      attributes: ["objectClass"],
      sizeLimit: 50,
    });
    if (entries.length === 0) return undefined;
    const classes = new Set<string>();
    const known = ["group", "groupofnames", "groupofuniquenames", "posixgroup", "apple-group"];
    for (const entry of entries)
      for (const c of [entry.objectClass ?? []].flat())
        if (known.includes(String(c).toLowerCase())) classes.add(String(c));
    return (
      `The Group filter finds no groups under ${baseDn}, but the directory has entries of object class ` +
      `${[...classes].join(", ")}: add them to the Group filter, e.g. (objectClass=${[...classes][0]}).`
    );
  } catch (error) {
    // A size limit hit means there are some: the first page was still returned by most servers, but not
    // all; say so without naming classes.
    if ((error as DirectoryError).kind === "size-limit")
      return `The Group filter finds no groups under ${baseDn}, but the directory has group objects.`;
    return undefined;
  }
}
