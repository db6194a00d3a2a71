import { Readable } from "node:stream";
import { NextResponse } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { openFile } from "@/lib/files/service";
import { openStored } from "@/lib/files/storage";
import { isUuid } from "@/lib/ids";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// RFC 6266: an ASCII fallback plus the exact name in UTF-8.
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Download: the owner, or a person the file is shared with. Everyone else gets 404, whether the id exists or
 * not.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ fileId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: "Your session has ended. Sign in again." }, { status: 401 });
  const { fileId } = await params;
  const file = isUuid(fileId) ? await openFile(user, fileId) : null;
  if (!file) return NextResponse.json({ error: "File not found." }, { status: 404 });
  const stream = await openStored(file.storageKey);
  if (!stream) {
    console.error(`file ${file.id}: stored contents ${file.storageKey} are missing`);
    return NextResponse.json(
      { error: "This file's contents are missing from storage. Tell an administrator." },
      { status: 410 },
    );
  }
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      "content-type": file.mimeType,
      "content-length": String(file.sizeBytes),
      "content-disposition": disposition(file.name),
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
      "cache-control": "private, no-store",
    },
  });
}
