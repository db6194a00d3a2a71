import { describe, expect, it, vi } from "vitest";
import type { JWT } from "next-auth/jwt";
import type { Session } from "next-auth";

// Two browsers of one person: getServerSession answers with whichever session the test is "in".
const current = vi.hoisted(() => ({ session: null as Session | null }));
vi.mock("next-auth", async (original) => ({
  ...(await original<typeof import("next-auth")>()),
  getServerSession: async () => current.session,
}));

const { authOptions } = await import("@/lib/auth/options");
const { getCurrentUser } = await import("@/lib/auth/session");
const { changeOwnPassword, setLocalRoles, setPlatformAdmin } = await import("@/lib/users/service");
const { makeOrg, makeUser } = await import("@/test/factories");

/** What next-auth does at sign-in: the jwt callback with the user, then the session callback. */
async function signIn(userId: string): Promise<{ token: JWT; session: Session }> {
  const jwt = authOptions.callbacks!.jwt!;
  const token = await jwt({ token: { iat: Math.floor(Date.now() / 1000) }, user: { id: userId } } as never);
  const session = await authOptions.callbacks!.session!({
    session: { expires: new Date(Date.now() + 3600_000).toISOString() },
    token,
  } as never);
  return { token, session: session };
}

async function userOf(session: Session) {
  current.session = session;
  return (await getCurrentUser())?.id ?? null;
}

describe("session version", () => {
  it("signing out in one browser ends the person's session in the other", async () => {
    const user = await makeUser();
    const a = await signIn(user.id);
    const b = await signIn(user.id);
    expect(await userOf(b.session)).toBe(user.id);
    await authOptions.events!.signOut!({ token: a.token, session: a.session });
    expect(await userOf(b.session)).toBeNull();
    // A new sign-in carries the new version.
    expect(await userOf((await signIn(user.id)).session)).toBe(user.id);
  });

  it("a password change ends the person's other sessions", async () => {
    const user = await makeUser();
    const other = await signIn(user.id);
    await changeOwnPassword(user.id, user.password, "A-new-password-2026");
    expect(await userOf(other.session)).toBeNull();
  });

  it("a role change ends the person's sessions", async () => {
    const org = await makeOrg("roles");
    const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
    const member = await makeUser({ org, roles: ["ORIGINATOR"] });
    const memberSession = await signIn(member.id);
    const adminSession = await signIn(admin.id);
    await setLocalRoles({ actorId: admin.id, organizationId: org.id }, member.id, ["COLLABORATOR"]);
    expect(await userOf(memberSession.session)).toBeNull();
    expect(await userOf(adminSession.session)).toBe(admin.id);
    const again = await signIn(member.id);
    await setPlatformAdmin(admin.id, member.id, true);
    expect(await userOf(again.session)).toBeNull();
  });
});
