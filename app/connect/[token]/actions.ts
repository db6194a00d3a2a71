"use server";
import { runAction } from "@/lib/action";
import { connectionSchema, newConnectionSchema } from "@/lib/connections/schema";
import { submitConnectionRequest, testRequestValues } from "@/lib/connections/service";

// No session here: the unused, unexpired link is the only authorization, checked in the service.
export async function testRequestAction(token: string, input: unknown) {
  return runAction(connectionSchema, input, (values) => testRequestValues(String(token), values));
}

export async function submitRequestAction(token: string, input: unknown) {
  return runAction(newConnectionSchema, input, async (values) => {
    await submitConnectionRequest(String(token), values);
  });
}
