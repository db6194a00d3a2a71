import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { finishRun, loadConnection, startRun, writeLog } from "@/lib/sync/records";
import { connectTo, makeOrg } from "@/test/factories";

const directory = {
  url: "ldap://127.0.0.1:1",
  managerDn: "cn=admin,dc=example,dc=com",
  managerPassword: "x",
  baseDn: "dc=example,dc=com",
};
const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

// The sync pool's sessions run in another time zone than the database's UTC (PGOPTIONS applies to the
// sessions the pool opens from now on): what they write must still be UTC.
async function renewSyncPool() {
  const global = globalThis as { syncPool?: pg.Pool };
  await global.syncPool?.end();
  global.syncPool = undefined;
}
beforeAll(async () => {
  process.env.PGOPTIONS = "-c TimeZone=America/New_York";
  await renewSyncPool();
});
afterAll(async () => {
  delete process.env.PGOPTIONS;
  await renewSyncPool();
});

describe("the sync's own records, written without Prisma", () => {
  it("reads a connection's times as Prisma wrote them, whatever the server process's time zone", async () => {
    const org = await makeOrg();
    const { id } = await connectTo(directory, org);
    const lastFullSyncAt = new Date("2026-01-15T08:30:00.250Z");
    await db.ldapConnection.update({ where: { id }, data: { lastFullSyncAt } });
    process.env.TZ = "America/New_York";
    const stored = await loadConnection(id);
    // Five hours off would make an incremental sync look due (or not) at the wrong time.
    expect(stored.lastFullSyncAt?.toISOString()).toBe(lastFullSyncAt.toISOString());
    expect(stored.defaultPlanId).toBe(
      (await db.organization.findUniqueOrThrow({ where: { id: org.id } })).defaultPlanId,
    );
  });

  // Recording a result leaves the connection's settings date alone.
  it("marks a run a dead process left running as interrupted, and records results in UTC", async () => {
    const org = await makeOrg();
    const { id } = await connectTo(directory, org, { syncIntervalMinutes: 7 });
    const before = await db.ldapConnection.findUniqueOrThrow({ where: { id } });
    const dead = await startRun(id, "CRON", "FULL", "gone-host:1");
    const runId = await startRun(id, "MANUAL", "FULL", "this-host:2");
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: dead } })).toMatchObject({
      status: "FAILED",
      error: expect.stringContaining("Interrupted"),
    });
    const counts = {
      entriesRead: 5,
      created: 2,
      updated: 1,
      unchanged: 2,
      disabled: 0,
      reenabled: 0,
      pendingTransfer: 0,
    };
    await finishRun(runId, id, {
      status: "SUCCEEDED",
      counts,
      warnings: ["w"],
      full: true,
      mark: "20260115083000Z",
      intervalMinutes: 7,
    });
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: "SUCCEEDED",
      trigger: "MANUAL",
      ...counts,
      warnings: ["w"],
      finishedAt: expect.any(Date),
    });
    const after = await db.ldapConnection.findUniqueOrThrow({ where: { id } });
    expect(after.highWaterMark).toBe("20260115083000Z");
    expect(after.updatedAt.toISOString()).toBe(before.updatedAt.toISOString());
    expect(Math.abs(after.nextSyncAt!.getTime() - (Date.now() + 7 * 60_000))).toBeLessThan(60_000);
    expect(Math.abs(after.lastFullSyncAt!.getTime() - Date.now())).toBeLessThan(60_000);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(Math.abs(run.startedAt.getTime() - Date.now())).toBeLessThan(60_000);
    await writeLog({ organizationId: org.id, connectionId: id, level: "INFO", message: "done" });
    const line = await db.logEntry.findFirstOrThrow({ where: { connectionId: id, message: "done" } });
    expect(Math.abs(line.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    // A failed run keeps the marks of the last good one.
    const failed = await startRun(id, "CRON", "FULL", "this-host:2");
    await finishRun(failed, id, {
      status: "FAILED",
      error: "down",
      counts,
      warnings: [],
      full: true,
      mark: "20990101000000Z",
      intervalMinutes: 7,
    });
    expect((await db.ldapConnection.findUniqueOrThrow({ where: { id } })).highWaterMark).toBe(
      "20260115083000Z",
    );
  });
});
