import { describe, expect, it } from "vitest";
import { tenantVerdict } from "@/lib/sync/decide";
import type { MappedEntry } from "@/lib/sync/map";

// The tenant rule for one entry, without servers: which accounts a connection may create, link or update.
const entry = (email: string, directoryId: string | null = "id-1") => ({ email, directoryId }) as MappedEntry;
const ctx = { verifiedDomains: new Set(["acme.example"]), connectionId: "c1" };
type Known = NonNullable<Parameters<typeof tenantVerdict>[1]>;
const account = (over: Partial<Known> = {}): Known => ({
  source: "DIRECTORY",
  connectionId: "c1",
  directoryId: "id-1",
  protected: false,
  ...over,
});

describe("tenantVerdict", () => {
  it("skips every address outside the organisation's verified domains, even a sub-domain", () => {
    expect(tenantVerdict(entry("a@other.example"), undefined, ctx)).toBe("unverified");
    expect(tenantVerdict(entry("a@sub.acme.example"), undefined, ctx)).toBe("unverified");
    expect(tenantVerdict(entry("a@other.example"), account(), ctx)).toBe("unverified");
  });
  it("creates new accounts and updates its own", () => {
    expect(tenantVerdict(entry("a@acme.example"), undefined, ctx)).toBe("ok");
    expect(tenantVerdict(entry("a@acme.example"), account(), ctx)).toBe("ok");
  });
  it("links local and Ad hoc accounts of its domains, never a platform or built-in administrator", () => {
    expect(
      tenantVerdict(entry("a@acme.example"), account({ source: "LOCAL", connectionId: null }), ctx),
    ).toBe("ok");
    expect(
      tenantVerdict(entry("a@acme.example"), account({ source: "ADHOC", connectionId: null }), ctx),
    ).toBe("ok");
    expect(
      tenantVerdict(
        entry("a@acme.example"),
        account({ source: "LOCAL", connectionId: null, protected: true }),
        ctx,
      ),
    ).toBe("protected");
  });
  it("calls an account bound to another connection or another stable id a conflict", () => {
    expect(tenantVerdict(entry("a@acme.example"), account({ connectionId: "c2" }), ctx)).toBe("conflict");
    expect(tenantVerdict(entry("a@acme.example", "id-2"), account(), ctx)).toBe("conflict");
    // An entry without a stable id cannot be told apart: the same connection keeps it.
    expect(tenantVerdict(entry("a@acme.example", null), account(), ctx)).toBe("ok");
  });
});
