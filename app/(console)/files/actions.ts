"use server";
import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { authorizeUser } from "@/lib/auth/session";
import { fileIdSchema, renameFileSchema, shareFileSchema, unshareFileSchema } from "@/lib/files/schema";
import { deleteFile, renameFile, shareFile, unshareFile } from "@/lib/files/service";

export async function renameFileAction(input: unknown) {
  return runAction(renameFileSchema, input, async ({ fileId, name }) => {
    const result = await renameFile(await authorizeUser(), fileId, name);
    revalidatePath("/files");
    return result;
  });
}

export async function deleteFileAction(input: unknown) {
  return runAction(fileIdSchema, input, async ({ fileId }) => {
    const result = await deleteFile(await authorizeUser(), fileId);
    revalidatePath("/files");
    return result;
  });
}

export async function shareFileAction(input: unknown) {
  return runAction(shareFileSchema, input, async ({ fileId, email }) => {
    const result = await shareFile(await authorizeUser(), fileId, email);
    revalidatePath("/files");
    return result;
  });
}

export async function unshareFileAction(input: unknown) {
  return runAction(unshareFileSchema, input, async ({ fileId, userId }) => {
    await unshareFile(await authorizeUser(), fileId, userId);
    revalidatePath("/files");
    return null;
  });
}
