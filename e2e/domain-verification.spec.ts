import { expect, test } from "@playwright/test";
import { db } from "../test/db";
import { makeOrg, makeUser, PASSWORD, uid } from "../test/factories";
import { apiLogin } from "./helpers/auth";
import { startDnsmasq, type Dnsmasq } from "../test/dns/dnsmasq";

// The console looks up TXT records through DNS_SERVER (scripts/test.ts picks its port); this spec serves them
// there with a real dnsmasq.
const dnsPort = Number(process.env.DNS_SERVER?.split(":").pop());
let dns: Dnsmasq | undefined;
test.afterEach(async () => {
  await dns?.stop();
  dns = undefined;
});

test("an organisation administrator adds a domain, publishes its TXT record and verifies it", async ({
  page,
}) => {
  expect(dnsPort, "DNS_SERVER is set by scripts/test.ts").toBeGreaterThan(0);
  const org = await makeOrg("verify");
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  const name = `v${uid()}.e2e.example`;
  const recordName = `_directory-console-challenge.${name}`;
  await apiLogin(page, admin.email, PASSWORD);
  await page.goto(`/org/${org.slug}/domains`);
  await page.getByRole("button", { name: "Add domain" }).click();
  await page.getByRole("dialog").getByLabel("Domain name").fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();

  const token = (await db.domain.findFirstOrThrow({ where: { organizationId: org.id, name } }))
    .verificationToken;
  await expect(page.getByText("Not verified")).toBeVisible();
  await expect(page.getByText(recordName, { exact: true })).toBeVisible();
  await expect(page.getByText(token, { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy record value" })).toBeVisible();
  await expect(page.getByText("sync and sign-in create no accounts")).toBeVisible();
  await expect(page.getByRole("button", { name: "Approve without DNS" })).toHaveCount(0);

  const result = page.getByRole("status", { name: "Verification result" });
  dns = await startDnsmasq({ "other.e2e.example": ["x"] }, dnsPort);
  await page.getByRole("button", { name: "Verify now" }).click();
  await expect(result).toContainText(`No TXT record ${recordName} found yet`);
  await dns.stop();

  dns = await startDnsmasq({ [recordName]: ["an-old-value"] }, dnsPort);
  await page.getByRole("button", { name: "Verify now" }).click();
  await expect(result).toContainText("TXT found but value differs");
  await dns.stop();

  dns = await startDnsmasq({ [recordName]: [token] }, dnsPort);
  await page.getByRole("button", { name: "Verify now" }).click();
  await expect(result).toContainText("Verified");
  await expect(page.getByText("Verified by DNS").first()).toBeVisible();
  await page.goto(`/org/${org.slug}/domains`);
  await expect(page.getByRole("row", { name })).toContainText("Verified by DNS");
  expect(
    await db.domain.findFirstOrThrow({
      where: { organizationId: org.id, name },
      select: { verificationMethod: true },
    }),
  ).toEqual({ verificationMethod: "DNS" });
});

test("a platform administrator approves a domain without DNS and a bind address", async ({ page }) => {
  const org = await makeOrg("approve");
  const name = `a${uid()}.e2e.example`;
  const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9`;
  await db.domain.create({ data: { organizationId: org.id, name, bindIpAddress: address } });
  const platform = await makeUser({ platformAdmin: true });
  await apiLogin(page, platform.email, PASSWORD);
  await page.goto("/admin/domains");
  const claim = page.getByRole("row", { name: `${name} (${org.name})` });
  await claim.getByRole("button", { name: "Approve" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Approve domain" }).click();
  await expect(page.getByText(`${name} approved`)).toBeVisible();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(claim).toHaveCount(0);

  const bind = page.getByRole("row", { name: `${address} (${name})` });
  await bind.getByRole("button", { name: "Approve" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Approve address" }).click();
  // While the dialog is open the page behind it is hidden from the accessibility tree: wait for its answer.
  await expect(page.getByText(`${address} approved for ${name}`)).toBeVisible();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
  await expect(bind).toHaveCount(0);

  const row = await db.domain.findFirstOrThrow({ where: { organizationId: org.id, name } });
  expect(row).toMatchObject({ verificationMethod: "APPROVED", bindIpApprovedAt: expect.any(Date) });
  await page.goto(`/org/${org.slug}/domains/${row.id}`);
  await expect(page.getByText("Approved by a platform administrator")).toBeVisible();
  await page.getByRole("tab", { name: "Advanced" }).click();
  await expect(page.getByRole("status", { name: "Bind address approval" })).toContainText("Approved");
});
