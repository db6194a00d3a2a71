import { describe, expect, it } from "vitest";
import type { Entry } from "ldapts";
import { listingOf, mapEntry, stableId, versionOf } from "@/lib/sync/map";
import { PRESETS } from "@/lib/directory/presets";

const guid = Buffer.from("0123456789abcdef0123456789abcdef", "hex");

describe("an entry's listing (id, version, change mark) agrees with its full mapping", () => {
  const cases: [string, Entry][] = [
    [
      "Active Directory",
      {
        dn: "CN=A,DC=x",
        objectGUID: guid,
        uSNChanged: "12345",
        modifyTimestamp: "20261123101010.0Z",
        mail: "a@x.example",
        sAMAccountName: "a",
        userAccountControl: "512",
      },
    ],
    [
      "OpenLDAP",
      {
        dn: "uid=b,dc=x",
        entryUUID: "AAAA-BBBB",
        entryCSN: "20261123101010.123456Z#000000#000#000000",
        modifyTimestamp: "20261123101010Z",
        mail: "b@x.example",
        uid: "b",
      },
    ],
    [
      "389 (timestamps only)",
      {
        dn: "uid=c,dc=x",
        nsUniqueId: "c1-c2",
        modifyTimestamp: "20261123101010Z",
        mail: "c@x.example",
        uid: "c",
      },
    ],
  ];
  for (const [name, entry] of cases) {
    it(name, () => {
      const listing = listingOf(entry);
      const mapped = mapEntry(entry, PRESETS.OPENLDAP);
      expect(listing.id).toBe(stableId(entry));
      expect(listing.version).toBe(versionOf(entry).version);
      expect(listing.exact).toBe(versionOf(entry).exact);
      expect(mapped.ok && listing.mark).toBe(mapped.ok && mapped.entry.changeMark);
      expect(mapped.ok && mapped.entry.version).toBe(listing.version);
    });
  }
  it("reads objectGUID in its usual string form and says which versions are exact", () => {
    expect(listingOf(cases[0][1])).toEqual({
      id: "67452301-ab89-efcd-0123-456789abcdef",
      version: "12345",
      exact: true,
      timestamp: "20261123101010.0Z",
      mark: "12345",
    });
    expect(listingOf(cases[2][1])).toMatchObject({ id: "c1-c2", version: "20261123101010Z", exact: false });
  });
  it("takes the change mark from entryCSN when a listing asks for entryUUID and entryCSN only", () => {
    const { modifyTimestamp: _, ...listed } = cases[1][1] as unknown as Record<string, unknown>;
    const full = mapEntry(cases[1][1], PRESETS.OPENLDAP);
    expect(listingOf(listed as unknown as Entry)).toEqual({
      id: "aaaa-bbbb",
      version: "20261123101010.123456Z#000000#000#000000",
      exact: true,
      timestamp: "20261123101010Z",
      mark: full.ok ? full.entry.changeMark : "?",
    });
    expect(listingOf({ dn: "uid=d,dc=x", entryUUID: "d", entryCSN: "not a csn" })).toMatchObject({
      mark: null,
    });
  });
});
