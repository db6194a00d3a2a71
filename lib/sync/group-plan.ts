// The pure half of the group sync: nesting expansion and the diff against stored memberships. No I/O.

/** A group as read: its direct user members (account ids) and the groups listed as its members. */
export type ReadGroup = {
  /** Direct members that are current accounts of the connection. */
  users: Set<string>;
  /** Indexes (into the list of read groups) of the groups listed as members of this one. */
  groups: number[];
};

/** A group's effective members: account id → the nested group (index) it comes through, or null if direct. */
export type Effective = Map<string, number | null>;

/**
 * Expands nested groups: every member of a nested group is an inherited member of each group above it, at
 * any depth. A cycle (A in B in A) terminates — each group is visited once per expansion — and gives every
 * group of the cycle all the cycle's members. Breadth first, so "via" names the nearest nested group, and a
 * direct membership always wins over an inherited one.
 */
export function expandNesting(groups: ReadGroup[]): Effective[] {
  return groups.map((group, start) => {
    const effective: Effective = new Map();
    for (const user of group.users) effective.set(user, null);
    const visited = new Set<number>([start]);
    // Each queued group carries the direct child of `start` it was reached through.
    const queue: { index: number; via: number }[] = [];
    for (const child of group.groups)
      if (!visited.has(child)) {
        visited.add(child);
        queue.push({ index: child, via: child });
      }
    for (let head = 0; head < queue.length; head++) {
      const { index, via } = queue[head];
      for (const user of groups[index].users) if (!effective.has(user)) effective.set(user, via);
      for (const next of groups[index].groups)
        if (!visited.has(next)) {
          visited.add(next);
          queue.push({ index: next, via });
        }
    }
    return effective;
  });
}

export type MembershipRow = { groupId: string; userId: string; viaGroupId: string | null };

/**
 * What to write so that the stored memberships become `wanted` (group id → user id → via group id or null):
 * rows that are new or whose "via" changed, and rows to delete. Unchanged memberships appear in neither.
 * `stored` is consumed as it is iterated, so the caller need not hold it as well.
 */
export function diffMemberships(
  stored: Iterable<MembershipRow>,
  wanted: Map<string, Map<string, string | null>>,
): { upserts: MembershipRow[]; deletes: { groupId: string; userId: string }[] } {
  const deletes: { groupId: string; userId: string }[] = [];
  // Stored rows that are also wanted, unchanged: skipped when the wanted rows are walked.
  const unchanged = new Map<string, Set<string>>();
  for (const row of stored) {
    const want = wanted.get(row.groupId);
    if (!want || !want.has(row.userId)) deletes.push({ groupId: row.groupId, userId: row.userId });
    else if ((want.get(row.userId) ?? null) === (row.viaGroupId ?? null)) {
      let set = unchanged.get(row.groupId);
      if (!set) unchanged.set(row.groupId, (set = new Set()));
      set.add(row.userId);
    }
  }
  const upserts: MembershipRow[] = [];
  for (const [groupId, members] of wanted) {
    const same = unchanged.get(groupId);
    for (const [userId, viaGroupId] of members)
      if (!same?.has(userId)) upserts.push({ groupId, userId, viaGroupId });
  }
  return { upserts, deletes };
}
