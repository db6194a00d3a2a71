import { describe, expect, it } from "vitest";
import {
  decideBatch,
  type Candidates,
  type Claim,
  type DecideContext,
  type KnownUser,
} from "@/lib/sync/decide";
import type { MappedEntry } from "@/lib/sync/map";

// The sync's decision table, without servers: mapped entries and the accounts they may be → a plan.

const entry = (name: string, over: Partial<MappedEntry> = {}): MappedEntry => ({
  dn: `uid=${name},ou=people,dc=acme`,
  directoryId: `id-${name}`,
  email: `${name}@acme.example`,
  accountName: name,
  userPrincipalName: null,
  fullName: `${name} Person`,
  statusValue: null,
  disabled: false,
  hash: `hash-${name}`,
  changeMark: null,
  version: "v1",
  ...over,
});

const account = (name: string, over: Partial<KnownUser> = {}): KnownUser => ({
  id: `user-${name}`,
  email: `${name}@acme.example`,
  name: `${name} Person`,
  source: "DIRECTORY",
  status: "ACTIVE",
  connectionId: "c1",
  directoryId: `id-${name}`,
  directoryHash: `hash-${name}`,
  supersededById: null,
  accountName: name,
  userPrincipalName: null,
  dn: `uid=${name},ou=people,dc=acme`,
  directoryStatus: null,
  directoryMark: "key:v1",
  membershipId: `m-${name}`,
  roles: ["ORIGINATOR"],
  protected: false,
  ...over,
});

function known(...accounts: KnownUser[]): Candidates {
  return {
    byEmail: new Map(accounts.map((a) => [a.email, a])),
    byDirectoryId: new Map(
      accounts
        .filter((a) => a.connectionId === "c1" && a.directoryId && !a.supersededById)
        .map((a) => [a.directoryId!, a]),
    ),
  };
}

let ids = 0;
const ctx = (over: Partial<DecideContext> = {}): DecideContext => ({
  connectionId: "c1",
  verifiedDomains: new Set(["acme.example"]),
  keptApart: new Set(),
  markKey: "key",
  claims: new Map(),
  newId: () => `new-${++ids}`,
  ...over,
});

describe("decideBatch", () => {
  it("creates a new entry's account", () => {
    const plan = decideBatch([entry("ann")], known(), ctx());
    expect(plan.creates).toHaveLength(1);
    expect(plan.creates[0]).toMatchObject({ entry: { email: "ann@acme.example" } });
    expect(plan.memberships).toEqual([]);
    expect(plan.seen).toEqual([plan.creates[0].id]);
    expect(plan.notes).toEqual([{ list: "create", item: { email: "ann@acme.example", name: "ann Person" } }]);
  });

  it("counts an unchanged entry and remembers a new mark", () => {
    const plan = decideBatch([entry("ann", { version: "v2" })], known(account("ann")), ctx());
    expect(plan.unchanged).toBe(1);
    expect(plan.updates).toEqual([]);
    expect(plan.marks).toEqual([{ id: "user-ann", mark: "key:v2" }]);
    expect(decideBatch([entry("ann")], known(account("ann")), ctx()).marks).toEqual([]);
  });

  it("updates changed fields, naming them", () => {
    const plan = decideBatch(
      [entry("ann", { fullName: "Ann New", hash: "h2" })],
      known(account("ann")),
      ctx(),
    );
    expect(plan.updates).toEqual([
      expect.objectContaining({ id: "user-ann", link: false, fields: ["name"] }),
    ]);
  });

  it("links a local account of the same email, and turns Ad hoc into Collaborator", () => {
    const local = account("lin", { source: "LOCAL", connectionId: null, directoryId: null });
    const adhoc = account("adh", {
      source: "ADHOC",
      connectionId: null,
      directoryId: null,
      roles: ["ADHOC"],
    });
    const plan = decideBatch([entry("lin"), entry("adh")], known(local, adhoc), ctx());
    expect(plan.updates.map((u) => [u.id, u.link])).toEqual([
      ["user-lin", true],
      ["user-adh", true],
    ]);
    expect(plan.roleChanges).toEqual([{ membershipId: "m-adh", roles: ["COLLABORATOR"] }]);
    expect(plan.creates).toEqual([]);
  });

  it("gives an account without a membership in the organisation an Originator membership", () => {
    const plan = decideBatch(
      [entry("ann")],
      known(account("ann", { membershipId: null, roles: null })),
      ctx(),
    );
    expect(plan.memberships).toEqual(["user-ann"]);
  });

  it("supersedes the old account when the entry's email changed", () => {
    const old = account("ann");
    const plan = decideBatch([entry("ann", { email: "ann.new@acme.example" })], known(old), ctx());
    const created = plan.creates[0];
    expect(created).toMatchObject({ supersedes: "user-ann", entry: { email: "ann.new@acme.example" } });
    expect(plan.supersedes).toEqual([{ id: "user-ann", by: created.id }]);
    expect(plan.toDisable).toEqual([
      expect.objectContaining({ id: "user-ann", kind: "superseded", targetUserId: created.id }),
    ]);
    expect(plan.seen).toContain("user-ann");
  });

  it("makes the original account current again when the email comes back", () => {
    const original = account("ann", { supersededById: "user-new" });
    const replacement = account("new", { directoryId: "id-ann", email: "ann.new@acme.example" });
    const plan = decideBatch([entry("ann")], known(original, replacement), ctx());
    expect(plan.updates).toEqual([expect.objectContaining({ id: "user-ann", link: true })]);
    expect(plan.supersedes).toEqual([{ id: "user-new", by: "user-ann" }]);
    expect(plan.toDisable).toEqual([
      expect.objectContaining({ id: "user-new", kind: "superseded", targetUserId: "user-ann" }),
    ]);
  });

  it("disables a disabled entry's active account and re-enables an enabled entry's disabled one", () => {
    const plan = decideBatch(
      [entry("ann", { disabled: true, statusValue: "514" }), entry("ben")],
      known(account("ann"), account("ben", { status: "PENDING_TRANSFER" })),
      ctx(),
    );
    expect(plan.toDisable).toEqual([
      expect.objectContaining({
        id: "user-ann",
        kind: "status",
        reason: "the status value 514 is disabled in the directory",
      }),
    ]);
    expect(plan.reenables).toEqual([{ id: "user-ben", statusValue: null }]);
    // Their version is stored only once a later read finds the status settled.
    expect(plan.unsettled).toEqual(["user-ann", "user-ben"]);
  });

  it("skips an unverified domain, a protected administrator and a conflict, and keeps them from being gone", () => {
    const admin = account("root", { protected: true, source: "LOCAL", connectionId: null });
    const other = account("eve", { directoryId: "id-old" });
    const plan = decideBatch(
      [entry("x", { email: "x@elsewhere.example" }), entry("root"), entry("eve")],
      known(admin, other),
      ctx(),
    );
    expect(plan.creates).toEqual([]);
    expect(plan.updates).toEqual([]);
    expect(plan.unverified).toEqual(["elsewhere.example"]);
    expect(plan.warnings.join()).toMatch(/root@acme.example is a platform administrator's account/);
    expect(plan.conflicts).toEqual([
      {
        userId: "user-eve",
        email: "eve@acme.example",
        entry: { dn: "uid=eve,ou=people,dc=acme", directoryId: "id-eve" },
        existing: { dn: "uid=eve,ou=people,dc=acme", directoryId: "id-old", connectionId: "c1" },
      },
    ]);
    expect(plan.seen).toEqual(["user-root", "user-eve"]);
  });

  it("says nothing more of a conflict an administrator kept apart, and changes nothing", () => {
    const plan = decideBatch(
      [entry("eve")],
      known(account("eve", { directoryId: "id-old" })),
      ctx({ keptApart: new Set(["user-eve id-eve"]) }),
    );
    expect([plan.conflicts, plan.updates, plan.creates]).toEqual([[], [], []]);
  });

  it("calls an account of another connection of the organisation a conflict", () => {
    const plan = decideBatch([entry("ann")], known(account("ann", { connectionId: "c2" })), ctx());
    expect(plan.conflicts).toEqual([
      expect.objectContaining({
        userId: "user-ann",
        existing: expect.objectContaining({ connectionId: "c2" }),
      }),
    ]);
    expect(plan.seen).toEqual([]);
  });
});

describe("two entries with one email", () => {
  const impostor = entry("ann", {
    dn: "uid=aaa-impostor,dc=acme",
    directoryId: "id-impostor",
    fullName: "Eve",
  });

  it("keeps the account on its own entry whatever the read order, and reports the other", () => {
    for (const batch of [
      [impostor, entry("ann")],
      [entry("ann"), impostor],
    ]) {
      const plan = decideBatch(batch, known(account("ann")), ctx());
      expect(plan.updates).toEqual([]);
      expect(plan.unchanged).toBe(1);
      expect(plan.conflicts).toEqual([
        {
          userId: "user-ann",
          email: "ann@acme.example",
          entry: { dn: "uid=aaa-impostor,dc=acme", directoryId: "id-impostor" },
          existing: { dn: "uid=ann,ou=people,dc=acme", directoryId: "id-ann", connectionId: "c1" },
        },
      ]);
    }
  });

  it("changes an account that is neither's own entry for none of them", () => {
    const local = account("ann", { source: "LOCAL", connectionId: null, directoryId: null, dn: null });
    const plan = decideBatch([impostor, entry("ann")], known(local), ctx());
    expect([plan.updates, plan.creates]).toEqual([[], []]);
    expect(plan.conflicts.map((c) => c.entry.directoryId)).toEqual(["id-impostor", "id-ann"]);
  });

  it("keeps the other entry's own account from being gone: its entry is still there", () => {
    const eve = account("eve", { directoryId: "id-impostor" });
    const plan = decideBatch([impostor, entry("ann")], known(account("ann"), eve), ctx());
    expect(plan.seen).toContain("user-eve");
    expect(plan.toDisable).toEqual([]);
  });

  it("makes a new email's account from the entry first by DN, not by read order", () => {
    for (const batch of [
      [entry("ann"), impostor],
      [impostor, entry("ann")],
    ]) {
      const plan = decideBatch(batch, known(), ctx());
      expect(plan.creates.map((c) => c.entry.dn)).toEqual(["uid=aaa-impostor,dc=acme"]);
      expect(plan.conflicts).toEqual([
        expect.objectContaining({
          userId: plan.creates[0].id,
          entry: { dn: "uid=ann,ou=people,dc=acme", directoryId: "id-ann" },
          existing: expect.objectContaining({ dn: "uid=aaa-impostor,dc=acme" }),
        }),
      ]);
    }
  });

  it("reports a second entry of a later page against the entry that claimed the email first", () => {
    const claims = new Map<string, Claim>([
      ["ann@acme.example", { dn: "uid=ann,ou=people,dc=acme", directoryId: "id-ann", userId: "user-ann" }],
    ]);
    const plan = decideBatch([impostor], known(account("ann")), ctx({ claims }));
    expect(plan.updates).toEqual([]);
    expect(plan.conflicts).toEqual([
      expect.objectContaining({
        userId: "user-ann",
        entry: expect.objectContaining({ directoryId: "id-impostor" }),
      }),
    ]);
    // ... and the account's own entry arriving after an impostor still keeps it.
    const late = decideBatch(
      [entry("ann", { fullName: "Ann Renamed", hash: "h2" })],
      known(account("ann")),
      ctx({
        claims: new Map([
          ["ann@acme.example", { dn: impostor.dn, directoryId: "id-impostor", userId: "user-ann" }],
        ]),
      }),
    );
    expect(late.updates).toEqual([expect.objectContaining({ id: "user-ann", fields: ["name"] })]);
    expect(late.conflicts).toEqual([]);
  });
});
