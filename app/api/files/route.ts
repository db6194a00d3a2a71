import { Readable } from "node:stream";
import { NextResponse } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { uploadFile } from "@/lib/files/service";
import { ForbiddenError, UserError } from "@/lib/errors";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Upload: the raw file as the request body (streamed to disk, never held in memory), its name in the
 * X-File-Name header (URI-encoded), the organisation in ?org=<slug>. The custom header also keeps other sites
 * out: a cross-site form cannot send it, and a cross-site fetch with it needs a preflight we do not answer.
 */
export async function POST(request: Request) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: "Your session has ended. Sign in again." }, { status: 401 });
  const encodedName = request.headers.get("x-file-name");
  if (!encodedName || !request.body)
    return NextResponse.json({ error: "No file was sent." }, { status: 400 });
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return NextResponse.json({ error: "The file name could not be read." }, { status: 400 });
  }
  const slug = new URL(request.url).searchParams.get("org");
  const membership = slug
    ? user.memberships.find((m) => m.slug === slug)
    : user.memberships.length === 1
      ? user.memberships[0]
      : undefined;
  if (!membership)
    return NextResponse.json(
      { error: slug ? "You are not a member of that organisation." : "Choose an organisation." },
      { status: 400 },
    );
  const length = request.headers.get("content-length");
  try {
    const file = await uploadFile(user, {
      organizationId: membership.organizationId,
      name,
      mimeType: request.headers.get("content-type") ?? "application/octet-stream",
      declaredSize: length && /^\d+$/.test(length) ? Number(length) : null,
      body: Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>),
    });
    return NextResponse.json(
      { file: { id: file.id, name: file.name, size: Number(file.sizeBytes) } },
      { status: 201 },
    );
  } catch (error) {
    if (error instanceof UserError)
      return NextResponse.json(
        { error: error.message, fieldErrors: error.fieldErrors },
        { status: error.message.startsWith("Not enough space") ? 413 : 400 },
      );
    if (error instanceof ForbiddenError) return NextResponse.json({ error: error.message }, { status: 403 });
    console.error("upload failed", error);
    return NextResponse.json({ error: "The upload failed. Try again." }, { status: 500 });
  }
}
