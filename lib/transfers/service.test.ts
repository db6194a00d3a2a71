import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { syncConnection } from "@/lib/sync/engine";
import { transferOwnership } from "@/lib/transfers/service";
import { NotFoundError } from "@/lib/errors";
import { startSlapd } from "@/test/ldap/slapd";
import { connectTo, makeOrg, makeUser } from "@/test/factories";

describe("ownership transfer", () => {
  // Files and shares move, the notification resolves, the account is disabled.
  it("takes a user disabled in the directory from notification to transfer", async () => {
    const slapd = await startSlapd({
      users: [
        { uid: "leaver", cn: "Lea Leaver", mail: "leaver@transfer.example" },
        { uid: "stayer", cn: "Stay", mail: "stayer@transfer.example" },
      ],
    });
    try {
      const org = await makeOrg();
      const conn = await connectTo(slapd, org, {
        name: "T",
        domain: "transfer.example",
        disableThresholdPercent: 100,
      });
      await syncConnection(conn.id, { trigger: "MANUAL" });
      const leaver = await db.user.findUniqueOrThrow({ where: { email: "leaver@transfer.example" } });
      const target = await makeUser({ org });
      const other = await makeUser({ org });
      const files = await Promise.all(
        [1, 2, 3].map((i) =>
          db.file.create({
            data: {
              organizationId: org.id,
              ownerId: leaver.id,
              name: `f${i}`,
              sizeBytes: 1n,
              mimeType: "text/plain",
              storageKey: crypto.randomUUID(),
            },
          }),
        ),
      );
      await db.fileShare.create({ data: { fileId: files[0].id, userId: other.id } });
      await db.fileShare.create({ data: { fileId: files[1].id, userId: target.id } });

      slapd.ldif(
        `dn: ${slapd.userDn("leaver")}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`,
      );
      await syncConnection(conn.id, { trigger: "MANUAL", full: true });
      expect((await db.user.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("PENDING_TRANSFER");
      expect(await db.notification.count({ where: { userId: leaver.id, resolvedAt: null } })).toBe(1);

      const stranger = await makeUser({ org: await makeOrg() });
      await expect(
        transferOwnership({ actorId: null, organizationId: org.id }, leaver.id, stranger.id),
      ).rejects.toMatchObject({ fieldErrors: { toUserId: expect.any(String) } });
      await expect(
        transferOwnership({ actorId: null, organizationId: (await makeOrg()).id }, leaver.id, target.id),
      ).rejects.toBeInstanceOf(NotFoundError);

      const result = await transferOwnership({ actorId: null, organizationId: org.id }, leaver.id, target.id);
      expect(result).toEqual({ files: 3, from: leaver.email, to: target.email });
      expect(await db.file.count({ where: { ownerId: target.id } })).toBe(3);
      expect(
        await db.fileShare.findMany({
          where: { fileId: { in: files.map((f) => f.id) } },
          select: { userId: true },
        }),
      ).toEqual([{ userId: other.id }]);
      expect((await db.user.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("DISABLED");
      expect(await db.notification.count({ where: { userId: leaver.id, resolvedAt: null } })).toBe(0);
      expect(await db.auditLog.count({ where: { action: "files.transfer", targetId: leaver.id } })).toBe(1);
    } finally {
      await slapd.stop();
    }
  });
});
