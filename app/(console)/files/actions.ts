"use server";
import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { authorizeUser } from "@/lib/auth/session";
import { fileIdSchema, renameFileSchema, shareFileSchema, unshareFileSchema } from "@/lib/files/schema";
import { deleteFile, renameFile, shareFile, unshareFile } from "@/lib/files/service";

export async function renameFileAction(input: unknown) {
  return runAction(authorizeUser, renameFileSchema, input, async (user, { fileId, name }) => {
    const result = await renameFile(user, fileId, name);
    revalidatePath("/files");
    return result;
  });
}

export async function deleteFileAction(input: unknown) {
  return runAction(authorizeUser, fileIdSchema, input, async (user, { fileId }) => {
    const result = await deleteFile(user, fileId);
    revalidatePath("/files");
    return result;
  });
}

export async function shareFileAction(input: unknown) {
  return runAction(authorizeUser, shareFileSchema, input, async (user, { fileId, email }) => {
    const result = await shareFile(user, fileId, email);
    revalidatePath("/files");
    return result;
  });
}

export async function unshareFileAction(input: unknown) {
  return runAction(authorizeUser, unshareFileSchema, input, async (user, { fileId, userId }) => {
    await unshareFile(user, fileId, userId);
    revalidatePath("/files");
    return null;
  });
}
