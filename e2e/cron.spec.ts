import { expect, test } from "@playwright/test";
import { db } from "../test/db";
import { connectTo, makeOrg } from "../test/factories";
import { startSlapd } from "../test/ldap/slapd";

test("the cron route refuses callers without the secret and runs due connections for those with it", async ({
  request,
}) => {
  expect((await request.get("/api/cron/sync")).status()).toBe(401);
  expect((await request.get("/api/cron/sync", { headers: { authorization: "Bearer wrong" } })).status()).toBe(
    401,
  );

  const slapd = await startSlapd({ users: [{ uid: "cronny", cn: "Cron Ny", mail: "cronny@example.com" }] });
  try {
    const org = await makeOrg("cron");
    const connection = await connectTo(slapd, org, { name: "Cron directory", authFilter: "(uid={0})" });
    const response = await request.get("/api/cron/sync", {
      headers: { authorization: `Bearer ${process.env.CRON_SECRET}` },
    });
    expect(response.status()).toBe(200);
    const summary = await response.json();
    expect(summary.ran).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          connectionId: connection.id,
          status: "SUCCEEDED",
          counts: expect.objectContaining({ created: 1 }),
        }),
      ]),
    );
    expect(await db.user.count({ where: { email: "cronny@example.com", status: "ACTIVE" } })).toBe(1);
    const next = await db.ldapConnection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(next.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
  } finally {
    await slapd.stop();
  }
});

test("the Debug and Warning logs list a sync's result and warnings, filter by level, export CSV", async ({
  page,
}) => {
  const { makeUser, PASSWORD } = await import("../test/factories");
  const { apiLogin } = await import("./helpers/auth");
  const slapd = await startSlapd({
    users: [
      { uid: "jörg", cn: "Jörg Umlaut", mail: "jorg@example.com" },
      { uid: "plain", cn: "Plain", mail: "plain@example.com" },
    ],
  });
  try {
    const org = await makeOrg("logs");
    const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
    await connectTo(slapd, org, { name: "Logged directory", authFilter: "(uid={0})" });
    await apiLogin(page, admin.email, PASSWORD);
    await page.goto(`/org/${org.slug}/ldap`);
    const row = page.getByRole("listitem", { name: "Logged directory" });
    await row.getByRole("button", { name: "Sync now" }).click();
    await expect(row).toContainText("2 read, 2 created", { timeout: 30_000 });

    await page.goto(`/org/${org.slug}/logs`);
    await expect(page.getByRole("row").filter({ hasText: "Full sync: 2 read, 2 created" })).toBeVisible();
    await expect(
      page.getByRole("row").filter({ hasText: "is not ASCII: use ASCII for usernames" }),
    ).toBeVisible();
    await page.getByLabel("Level").selectOption("WARNING");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/level=WARNING/);
    await expect(page.getByRole("row").filter({ hasText: "Full sync" })).toHaveCount(0);
    await expect(page.getByRole("row").filter({ hasText: "not ASCII" })).toBeVisible();

    const csv = await page.request.get(`/org/${org.slug}/logs/export`);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const text = await csv.text();
    expect(text.split("\n")[0]).toBe("time_utc,level,connection,message,details");
    expect(text).toContain("Full sync: 2 read, 2 created");
    expect((await page.request.get(`/org/${(await makeOrg("other")).slug}/logs/export`)).status()).toBe(403);
  } finally {
    await slapd.stop();
  }
});
