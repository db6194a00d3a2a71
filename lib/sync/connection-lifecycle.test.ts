import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { syncConnection } from "@/lib/sync/engine";
import { startSlapd, type Slapd } from "@/test/ldap/slapd";
import { connectTo, makeOrg, uid } from "@/test/factories";

// A sync after the server dropped its idle connections (olcIdleTimeout, 389's nsslapd-idletimeout) and after
// a restart: every entry is read again, bound as the manager, and nothing is taken for gone.
describe("synchronisation after the server closed its connections", () => {
  let s: Slapd;
  const domain = `life${uid()}.example`;
  const people = ["amy", "bo", "cy", "di", "ed"];

  beforeAll(async () => {
    s = await startSlapd({
      idleTimeoutSeconds: 1,
      users: people.map((n) => ({ uid: n, cn: `${n} Person`, mail: `${n}@${domain}`, password: `${n}-pw` })),
    });
  }, 60_000);
  afterAll(async () => s?.stop());

  it("reads every entry after an idle timeout and after a restart, and disables nobody", async () => {
    const org = await makeOrg();
    const conn = await connectTo(s, org, { domain, disableThresholdPercent: 100 });
    const full = { trigger: "MANUAL" as const, full: true };
    const first = await syncConnection(conn.id, full);
    expect(first).toMatchObject({ status: "SUCCEEDED", counts: { entriesRead: 5, created: 5 } });

    await new Promise((r) => setTimeout(r, 2500));
    const afterIdle = await syncConnection(conn.id, full);
    expect(afterIdle).toMatchObject({
      status: "SUCCEEDED",
      counts: { entriesRead: 5, unchanged: 5, disabled: 0, pendingTransfer: 0 },
    });

    await s.restart();
    const afterRestart = await syncConnection(conn.id, full);
    expect(afterRestart).toMatchObject({
      status: "SUCCEEDED",
      counts: { entriesRead: 5, unchanged: 5, disabled: 0, pendingTransfer: 0 },
    });
    const statuses = await db.user.findMany({ where: { connectionId: conn.id }, select: { status: true } });
    expect(statuses.map((u) => u.status)).toEqual(people.map(() => "ACTIVE"));
  });
});
