import { describe, expect, it } from "vitest";
import { diffMemberships, expandNesting, type ReadGroup } from "@/lib/sync/group-plan";

const g = (users: string[], groups: number[] = []): ReadGroup => ({ users: new Set(users), groups });
const plain = (m: Map<string, number | null>) => Object.fromEntries([...m].sort());

describe("expandNesting", () => {
  it("gives a group the members of the groups nested in it, at any depth, naming the nearest", () => {
    // 0 ⊃ 1 ⊃ 2
    const [top, middle, bottom] = expandNesting([g(["a"], [1]), g(["b"], [2]), g(["c"])]);
    expect(plain(top)).toEqual({ a: null, b: 1, c: 1 });
    expect(plain(middle)).toEqual({ b: null, c: 2 });
    expect(plain(bottom)).toEqual({ c: null });
  });

  it("terminates on a cycle and gives every group of the cycle all its members", () => {
    // A in B in A, and a self-reference.
    const [a, b] = expandNesting([g(["x"], [1, 0]), g(["y"], [0])]);
    expect(plain(a)).toEqual({ x: null, y: 1 });
    expect(plain(b)).toEqual({ y: null, x: 0 });
  });

  it("prefers a direct membership over an inherited one", () => {
    const [a] = expandNesting([g(["x"], [1]), g(["x", "y"])]);
    expect(plain(a)).toEqual({ x: null, y: 1 });
  });
});

describe("diffMemberships", () => {
  it("writes only what changed and deletes what is no longer wanted", () => {
    const stored = [
      { groupId: "G", userId: "same", viaGroupId: null },
      { groupId: "G", userId: "moved", viaGroupId: null },
      { groupId: "G", userId: "left", viaGroupId: null },
      { groupId: "GONE", userId: "same", viaGroupId: null },
    ];
    const wanted = new Map([
      [
        "G",
        new Map<string, string | null>([
          ["same", null],
          ["moved", "H"],
          ["new", null],
        ]),
      ],
    ]);
    const { upserts, deletes } = diffMemberships(stored, wanted);
    expect(upserts).toEqual([
      { groupId: "G", userId: "moved", viaGroupId: "H" },
      { groupId: "G", userId: "new", viaGroupId: null },
    ]);
    expect(deletes).toEqual([
      { groupId: "G", userId: "left" },
      { groupId: "GONE", userId: "same" },
    ]);
  });

  it("writes nothing when nothing changed", () => {
    const stored = [{ groupId: "G", userId: "u", viaGroupId: "H" }];
    const wanted = new Map([["G", new Map<string, string | null>([["u", "H"]])]]);
    expect(diffMemberships(stored, wanted)).toEqual({ upserts: [], deletes: [] });
  });
});
