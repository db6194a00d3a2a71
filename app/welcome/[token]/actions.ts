"use server";
import { anonymous, runAction } from "@/lib/action";
import { setPasswordByLinkSchema } from "@/lib/files/schema";
import { setPasswordByLink } from "@/lib/files/invitations";

// No session here: the unused, unexpired link is the only authorization, checked in the service.
export async function setPasswordByLinkAction(input: unknown) {
  return runAction(anonymous, setPasswordByLinkSchema, input, (_, { token, password }) =>
    setPasswordByLink(token, password),
  );
}
