import crypto from "node:crypto";
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD, uid, connectTo } from "../test/factories";
import { apiLogin, uiLogin } from "./helpers/auth";
import { startSlapd, type Slapd } from "../test/ldap/slapd";
import { startMailbox, type Mailbox } from "../test/mail";

// The console under test sends e-mail to SMTP_URL
// (scripts/test.ts picks the port); this mailbox listens there.
let mailbox: Mailbox;
test.beforeAll(async () => {
  mailbox = await startMailbox(Number(new URL(process.env.SMTP_URL!).port));
});
test.afterAll(async () => mailbox?.close());

async function upload(page: Page, name: string, buffer: Buffer) {
  await page.locator("#file-upload").setInputFiles({ name, mimeType: "application/octet-stream", buffer });
}

async function downloadBytes(page: Page, row: ReturnType<Page["getByRole"]>, name: string) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name: `Download ${name}` }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(name);
  return fs.readFileSync(await download.path());
}

// Another member cannot fetch the file by its id.
test("a member uploads, downloads byte-for-byte, renames, meets the quota and deletes", async ({
  page,
  browser,
}) => {
  const org = await makeOrg("files");
  const member = await makeUser({ org, roles: ["ORIGINATOR"] });
  await apiLogin(page, member.email, PASSWORD);
  await page.goto("/files");
  await expect(page.getByText("No files yet")).toBeVisible();

  const bytes = crypto.randomBytes(1_572_864 + 3);
  await upload(page, "measurements.bin", bytes);
  const row = page.getByRole("row", { name: "measurements.bin" });
  await expect(row).toContainText("1.5 MB");
  expect((await downloadBytes(page, row, "measurements.bin")).equals(bytes)).toBe(true);

  await row.getByRole("button", { name: "Rename measurements.bin" }).click();
  const rename = page.getByRole("dialog", { name: "Rename measurements.bin" });
  await rename.getByLabel("Name").fill("../sneaky");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(rename.getByText("A file name cannot contain / or \\.")).toBeVisible();
  await rename.getByLabel("Name").fill("Measurements 2026.bin");
  await rename.getByRole("button", { name: "Rename" }).click();
  const renamed = page.getByRole("row", { name: "Measurements 2026.bin" });
  await expect(renamed).toBeVisible();

  // Someone else in the organisation, guessing the id.
  const file = await db.file.findFirstOrThrow({ where: { ownerId: member.id } });
  const other = await makeUser({ org, roles: ["ORIGINATOR"] });
  const otherContext = await browser.newContext();
  const otherPage = await otherContext.newPage();
  await apiLogin(otherPage, other.email, PASSWORD);
  expect((await otherPage.request.get(`/api/files/${file.id}`)).status()).toBe(404);
  await otherPage.goto("/files");
  await expect(otherPage.getByText("No files yet")).toBeVisible();
  await expect(otherPage.getByText("Nothing shared with you")).toBeVisible();
  await otherContext.close();

  // A 2 MB plan: another 1 MB does not fit; the page says so and nothing is stored.
  const plan = await db.plan.create({ data: { name: `Tiny ${uid()}`, storageQuotaBytes: 2_000_000n } });
  await db.membership.updateMany({ where: { userId: member.id }, data: { planId: plan.id } });
  await page.reload();
  await expect(page.getByText(`1.5 MB of 1.9 MB used (plan ${plan.name})`)).toBeVisible();
  await upload(page, "too-big.bin", crypto.randomBytes(1_000_000));
  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    "too-big.bin: Not enough space: This file (977 KB) is larger than the 417 KB left of your plan " +
      `${plan.name}`,
  );
  expect(await db.file.count({ where: { ownerId: member.id } })).toBe(1);

  await renamed.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete Measurements 2026.bin?" });
  await confirm.getByRole("button", { name: "Delete file" }).click();
  await expect(page.getByText("No files yet")).toBeVisible();
  expect(await db.file.count({ where: { ownerId: member.id } })).toBe(0);
});

// Its one-time link sets a password.
test("sharing with an unknown address creates an Ad hoc account that sees only the shared file", async ({
  page,
  browser,
}) => {
  const org = await makeOrg("share");
  const owner = await makeUser({ org, roles: ["ORIGINATOR"], name: "Olivia Owner" });
  const collaborator = await makeUser({ org, roles: ["COLLABORATOR"] });
  await apiLogin(page, owner.email, PASSWORD);
  await page.goto("/files");
  const shared = Buffer.from("the shared plan\n".repeat(100));
  await upload(page, "plan.txt", shared);
  await upload(page, "private.txt", Buffer.from("mine alone"));
  await expect(page.getByRole("row", { name: "private.txt" })).toBeVisible();

  const guest = `guest-${uid()}@outside.example`;
  await page.getByRole("row", { name: "plan.txt" }).getByRole("button", { name: "Share plan.txt" }).click();
  const dialog = page.getByRole("dialog", { name: "Share plan.txt" });
  await dialog.getByLabel("Email").fill("not an address");
  await dialog.getByRole("button", { name: "Share" }).click();
  await expect(dialog.getByText("Enter a valid email address.")).toBeVisible();
  await dialog.getByLabel("Email").fill(guest);
  await dialog.getByRole("button", { name: "Share" }).click();
  // The same answer for every address: the sharer never learns whether the person had an account.
  await expect(page.getByText(`Shared with ${guest}. They get an e-mail about it.`)).toBeVisible();
  await expect(dialog.getByText(guest, { exact: true })).toBeVisible();
  await dialog.getByLabel("Email").fill(collaborator.email);
  await dialog.getByRole("button", { name: "Share" }).click();
  await expect(
    page.getByText(`Shared with ${collaborator.email}. They get an e-mail about it.`),
  ).toBeVisible();
  await expect(dialog.getByText(`(${collaborator.email})`)).toBeVisible();
  const late = `late-${uid()}@outside.example`;
  await dialog.getByLabel("Email").fill(late);
  await dialog.getByRole("button", { name: "Share" }).click();
  await expect(dialog.getByText(late, { exact: true })).toBeVisible();
  await page.keyboard.press("Escape");

  // The guest's e-mail carries the one-time link.
  await expect.poll(() => mailbox.received.find((m) => m.to.includes(guest))).toBeTruthy();
  const mail = mailbox.received.find((m) => m.to.includes(guest))!;
  expect(mail.mail.subject).toBe(`Olivia Owner shared "plan.txt" with you`);
  const link = mail.mail.text!.match(/https?:\/\/\S+\/welcome\/[\w-]+/)![0];

  const guestContext = await browser.newContext();
  const guestPage = await guestContext.newPage();
  await guestPage.goto(new URL(link).pathname);
  await expect(guestPage.getByRole("heading", { name: "Set your password" })).toBeVisible();
  await guestPage.getByLabel("Password", { exact: true }).fill("Guest-password-2026");
  await guestPage.getByLabel("Repeat the password").fill("Guest-password-2026");
  await guestPage.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(guestPage).toHaveURL(/\/files$/);
  await expect(
    guestPage.getByText(
      "Your role (Ad hoc) lets you open files that others share with you; it cannot upload files.",
    ),
  ).toBeVisible();
  const guestRow = guestPage.getByRole("row", { name: "plan.txt" });
  await expect(guestRow).toContainText("Olivia Owner");
  await expect(guestPage.getByRole("row", { name: "private.txt" })).toHaveCount(0);
  expect((await downloadBytes(guestPage, guestRow, "plan.txt")).equals(shared)).toBe(true);
  const privateFile = await db.file.findFirstOrThrow({ where: { ownerId: owner.id, name: "private.txt" } });
  expect((await guestPage.request.get(`/api/files/${privateFile.id}`)).status()).toBe(404);
  // The link worked once.
  await guestPage.goto(new URL(link).pathname);
  await expect(guestPage.getByRole("heading", { name: "This link has been used already" })).toBeVisible();
  await guestContext.close();

  // A Collaborator opens what is shared and uploads, but cannot share.
  const collabContext = await browser.newContext();
  const collabPage = await collabContext.newPage();
  await apiLogin(collabPage, collaborator.email, PASSWORD);
  await collabPage.goto("/files");
  await expect(collabPage.getByRole("row", { name: "plan.txt" })).toBeVisible();
  await upload(collabPage, "notes.txt", Buffer.from("collaborator's notes"));
  const notes = collabPage.getByRole("row", { name: "notes.txt" });
  await expect(notes).toBeVisible();
  await expect(notes.getByRole("button", { name: "Share notes.txt" })).toHaveCount(0);
  await collabContext.close();

  // The organisation administrator sees counts and sizes, not contents.
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto(`/org/${org.slug}/users?q=${encodeURIComponent(owner.email)}`);
  const ownerRow = page.getByRole("row", { name: owner.email });
  await expect(ownerRow.getByRole("cell").nth(5)).toHaveText("21.6 KB");
  expect((await page.request.get(`/api/files/${privateFile.id}`)).status()).toBe(404);

  // Someone who lost the e-mail: an administrator copies a fresh invitation; the e-mailed one stops working.
  await expect.poll(() => mailbox.received.find((m) => m.to.includes(late))).toBeTruthy();
  const lateMail = mailbox.received.find((m) => m.to.includes(late))!;
  const lateLink = new URL(lateMail.mail.text!.match(/https?:\/\/\S+\/welcome\/[\w-]+/)![0]).pathname;
  const lateUser = await db.user.findUniqueOrThrow({ where: { email: late } });
  await page.goto(`/org/${org.slug}/users/${lateUser.id}`);
  await page.getByRole("button", { name: "Copy invitation link" }).click();
  const copied = new URL((await page.getByTestId("invitation-url").textContent())!).pathname;
  expect(copied).not.toBe(lateLink);
  await page.goto(lateLink);
  await expect(page.getByRole("heading", { name: "This link is no longer valid" })).toBeVisible();
});

test.describe("a directory user with files is disabled in slapd", () => {
  let slapd: Slapd;
  let domain: string;
  test.beforeAll(async () => {
    domain = `f${uid()}.example`;
    slapd = await startSlapd({
      users: [
        { uid: "lena", cn: "Lena Leaving", mail: `lena@${domain}`, password: "Lena-directory-pw" },
        { uid: "ravi", cn: "Ravi Receiving", mail: `ravi@${domain}`, password: "Ravi-directory-pw" },
      ],
    });
  });
  test.afterAll(async () => slapd?.stop());

  // After the transfer the files are the receiver's.
  test("sync → notification on the page and by e-mail → transfer → account disabled", async ({
    page,
    browser,
  }) => {
    test.setTimeout(120_000);
    const org = await makeOrg("leave");
    const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
    await connectTo(slapd, org, {
      name: "People",
      domain,
      baseDn: slapd.baseDn,
      disableThresholdPercent: 100,
    });
    const sync = async () => {
      await page.goto(`/org/${org.slug}/ldap`);
      const row = page.getByRole("listitem", { name: "People" });
      await row.getByRole("button", { name: "Sync now" }).click();
      await expect(row.getByRole("button", { name: "Sync now" })).toBeEnabled({ timeout: 30_000 });
      return row;
    };
    await apiLogin(page, admin.email, PASSWORD);
    await sync();

    // Lena signs in with her directory password and uploads a file.
    const lenaContext = await browser.newContext();
    const lenaPage = await lenaContext.newPage();
    await uiLogin(lenaPage, `lena@${domain}`, "Lena-directory-pw");
    await expect(lenaPage).toHaveURL(/\/home$/);
    await lenaPage.goto("/files");
    const bytes = crypto.randomBytes(300_000);
    await upload(lenaPage, "handover.bin", bytes);
    await expect(lenaPage.getByRole("row", { name: "handover.bin" })).toBeVisible();
    await lenaContext.close();

    execFileSync("ldapmodify", ["-x", "-H", slapd.url, "-D", slapd.managerDn, "-w", slapd.managerPassword], {
      input: `dn: ${slapd.userDn("lena")}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`,
    });
    const row = await sync();
    await expect(row).toContainText("1 pending transfer");

    const nav = page.getByRole("link", { name: /Notifications/ });
    await expect(nav).toContainText("1");
    await nav.click();
    await expect(
      page.getByText(
        "The following users still have files in the platform but have been disabled/deleted from " +
          "your Active Directory. Please transfer the ownership of their file(s) to another user.",
      ),
    ).toBeVisible();
    const item = page.getByRole("listitem", { name: `lena@${domain}` });
    await expect(item).toContainText("1 files");
    await expect
      .poll(() =>
        mailbox.received.find((m) => m.to.includes(admin.email) && m.mail.text?.includes(`lena@${domain}`)),
      )
      .toBeTruthy();

    // Lena cannot sign in any more.
    const blocked = await browser.newContext();
    const blockedPage = await blocked.newPage();
    await uiLogin(blockedPage, `lena@${domain}`, "Lena-directory-pw");
    await expect(blockedPage.getByRole("main").getByRole("alert")).toHaveText("Invalid credentials");
    await blocked.close();

    await item.getByRole("button", { name: "Transfer ownership" }).click();
    const dialog = page.getByRole("dialog", { name: `Transfer the files of lena@${domain}` });
    await dialog.getByLabel("New owner").selectOption({ label: `Ravi Receiving (ravi@${domain})` });
    await dialog.getByRole("button", { name: "Transfer files" }).click();
    await expect(page.getByText("Nothing to do")).toBeVisible();
    await expect(nav).not.toContainText("1");
    expect((await db.user.findUniqueOrThrow({ where: { email: `lena@${domain}` } })).status).toBe("DISABLED");

    // Ravi now owns the file, byte for byte.
    const raviContext = await browser.newContext();
    const raviPage = await raviContext.newPage();
    await uiLogin(raviPage, `ravi@${domain}`, "Ravi-directory-pw");
    await expect(raviPage).toHaveURL(/\/home$/);
    await raviPage.goto("/files");
    const raviRow = raviPage.getByRole("row", { name: "handover.bin" });
    expect((await downloadBytes(raviPage, raviRow, "handover.bin")).equals(bytes)).toBe(true);
    await raviContext.close();

    // The audit log says who moved what to whom.
    expect(
      await db.auditLog.findFirst({
        where: { action: "files.transfer", actorId: admin.id },
        select: { details: true },
      }),
    ).toMatchObject({ details: { from: `lena@${domain}`, to: `ravi@${domain}`, files: 1 } });
  });
});
