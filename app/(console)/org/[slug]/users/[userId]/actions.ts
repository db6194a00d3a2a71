"use server";
import { runAction } from "@/lib/action";
import { authorizeOrg } from "@/lib/auth/session";
import { invitationLinkSchema } from "@/lib/files/schema";
import { copyInvitationLink } from "@/lib/files/invitations";

// The organisation comes from the route (slug), checked against the session; the service checks that the
// organisation invited the person and may give them a link.
export async function copyInvitationLinkAction(slug: string, input: unknown) {
  return runAction(
    () => authorizeOrg(slug, "users:manage"),
    invitationLinkSchema,
    input,
    async ({ user, org }, { userId }) =>
      copyInvitationLink({ actorId: user.id, organizationId: org.id }, userId),
  );
}
