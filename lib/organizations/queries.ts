import "server-only";
import { db } from "@/lib/db";

export async function listOrganizations() {
  return db.organization.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      slug: true,
      name: true,
      createdAt: true,
      defaultPlan: { select: { id: true, name: true } },
      _count: { select: { memberships: true, connections: true } },
    },
  });
}

export async function listPlans() {
  return db.plan.findMany({
    orderBy: [{ isDefault: "desc" }, { name: "asc" }],
    select: {
      id: true,
      name: true,
      storageQuotaBytes: true,
      isDefault: true,
      _count: { select: { organizations: true, memberships: true } },
    },
  });
}

export async function listAudit(page: number, pageSize = 50) {
  const [total, rows] = await Promise.all([
    db.auditLog.count(),
    db.auditLog.findMany({
      orderBy: { createdAt: "desc" },
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        action: true,
        targetType: true,
        targetId: true,
        details: true,
        createdAt: true,
        actor: { select: { email: true } },
        organization: { select: { slug: true } },
      },
    }),
  ]);
  return { total, rows, pageSize };
}
