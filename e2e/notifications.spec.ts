import crypto from "node:crypto";
import { expect, test } from "./fixtures";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD } from "../test/factories";
import { apiLogin } from "./helpers/auth";

test("the notification of a user who left with files leads to a transfer of ownership", async ({
  signedInPage: page,
  org,
}) => {
  const receiver = await makeUser({ org, roles: ["ORIGINATOR"], name: "Rita Receiver" });
  const leaver = await makeUser({ org, roles: ["ORIGINATOR"], name: "Lenny Leaver", source: "DIRECTORY" });
  await db.user.update({ where: { id: leaver.id }, data: { status: "PENDING_TRANSFER" } });
  for (const name of ["plan.pdf", "budget.xlsx"]) {
    await db.file.create({
      data: {
        organizationId: org.id,
        ownerId: leaver.id,
        name,
        sizeBytes: 10n,
        mimeType: "application/octet-stream",
        storageKey: crypto.randomUUID(),
      },
    });
  }
  await db.notification.create({
    data: { organizationId: org.id, userId: leaver.id, kind: "OWNERSHIP_TRANSFER" },
  });

  await page.goto(`/org/${org.slug}/users`);
  await expect(page.getByRole("link", { name: /Notifications/ })).toContainText("1");
  await page.getByRole("link", { name: /Notifications/ }).click();
  await expect(
    page.getByText(
      "The following users still have files in the platform but have been disabled/deleted from " +
        "your Active Directory. Please transfer the ownership of their file(s) to another user.",
    ),
  ).toBeVisible();
  const item = page.getByRole("listitem", { name: leaver.email });
  await expect(item).toContainText("2 files");
  await item.getByRole("button", { name: "Transfer ownership" }).click();
  const dialog = page.getByRole("dialog", { name: `Transfer the files of ${leaver.email}` });
  await dialog.getByRole("button", { name: "Transfer files" }).click();
  await expect(dialog.getByText("Choose the user who receives the files.")).toBeVisible();
  await dialog.getByLabel("New owner").selectOption({ label: `Rita Receiver (${receiver.email})` });
  await dialog.getByRole("button", { name: "Transfer files" }).click();
  await expect(page.getByText("Nothing to do")).toBeVisible();
  expect(await db.file.count({ where: { ownerId: receiver.id } })).toBe(2);
  expect((await db.user.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("DISABLED");
});

test("an administrator moves an active user's files from the user's page; the user stays active", async ({
  page,
}) => {
  const org = await makeOrg("userxfer");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  const receiver = await makeUser({ org, roles: ["ORIGINATOR"], name: "Tom Taker" });
  const giver = await makeUser({ org, roles: ["ORIGINATOR"], name: "Gina Giver" });
  for (const [name, size] of [
    ["a.pdf", 1500n],
    ["b.pdf", 2500n],
  ] as const) {
    await db.file.create({
      data: {
        organizationId: org.id,
        ownerId: giver.id,
        name,
        sizeBytes: size,
        mimeType: "application/pdf",
        storageKey: crypto.randomUUID(),
      },
    });
  }
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto(`/org/${org.slug}/users/${receiver.id}`);
  await expect(page.getByTestId("file-totals")).toHaveText("Owns no files in this organisation.");
  await expect(page.getByRole("button", { name: "Transfer ownership" })).toHaveCount(0);
  await page.goto(`/org/${org.slug}/users/${giver.id}`);
  await expect(page.getByTestId("file-totals")).toHaveText("Owns 2 files (3.9 KB) in this organisation.");
  await page.getByRole("button", { name: "Transfer ownership" }).click();
  const dialog = page.getByRole("dialog", { name: `Transfer the files of ${giver.email}` });
  await expect(dialog).toContainText(`${giver.email} stays active.`);
  await dialog.getByLabel("New owner").selectOption({ label: `Tom Taker (${receiver.email})` });
  await dialog.getByRole("button", { name: "Transfer files" }).click();
  await expect(page.getByTestId("file-totals")).toHaveText("Owns no files in this organisation.");
  expect(await db.file.count({ where: { ownerId: receiver.id } })).toBe(2);
  expect((await db.user.findUniqueOrThrow({ where: { id: giver.id } })).status).toBe("ACTIVE");
});
