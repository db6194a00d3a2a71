"use server";
import { runAction } from "@/lib/action";
import { authorizeUser } from "@/lib/auth/session";
import { changePasswordSchema } from "@/lib/users/schema";
import { changeOwnPassword } from "@/lib/users/service";

export async function changePasswordAction(input: unknown) {
  return runAction(authorizeUser, changePasswordSchema, input, async (user, data) => {
    await changeOwnPassword(user.id, data.currentPassword, data.newPassword);
  });
}
