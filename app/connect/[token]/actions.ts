"use server";
import { runAction } from "@/lib/action";
import { ForbiddenError } from "@/lib/errors";
import { connectionSchema, newConnectionSchema } from "@/lib/connections/schema";
import { findConnectionRequest, submitConnectionRequest, testRequestValues } from "@/lib/connections/service";

// No session here: the unused, unexpired link is the only authorization, checked before the input is read
// (and again by the service, inside its transaction).
const withLink = (token: unknown) => async () => {
  const found = await findConnectionRequest(String(token));
  if (found.state !== "valid") throw new ForbiddenError("This link is no longer valid.");
  return String(token);
};

export async function testRequestAction(token: string, input: unknown) {
  return runAction(withLink(token), connectionSchema, input, (link, values) =>
    testRequestValues(link, values),
  );
}

export async function submitRequestAction(token: string, input: unknown) {
  return runAction(withLink(token), newConnectionSchema, input, async (link, values) => {
    await submitConnectionRequest(link, values);
  });
}
