import { NextResponse, type NextRequest } from "next/server";

// The largest server-action body accepted: keep equal to experimental.serverActions.bodySizeLimit in
// next.config.js. Files never travel through actions (they stream to /api/files).
const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

const SIGNED_IN_PATHS = /^\/(admin|org|home|account|files)(\/|$)/;

const plain = (message: string, status: number) =>
  new NextResponse(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/**
 * A server action's body is React's encoding of its arguments: JSON text, or multipart form data when an
 * argument is a file or a form. Next answers a body it cannot decode, or one over the limit, with a 500 and
 * a stack in the log; this answers 413 and 400 before it gets there.
 */
async function checkActionBody(request: NextRequest): Promise<NextResponse | null> {
  const declared = request.headers.get("content-length");
  if (declared && Number(declared) > ACTION_BODY_LIMIT_BYTES) return plain("The request is too large.", 413);
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) return null;
  const body = await request.clone().arrayBuffer();
  if (body.byteLength > ACTION_BODY_LIMIT_BYTES) return plain("The request is too large.", 413);
  try {
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return plain("The request could not be read.", 400);
  }
  return null;
}

// Authorization itself happens on the server in every page, action and route (lib/auth/session.ts); the
// redirect below only saves a round trip for visitors without a session cookie.
export async function proxy(request: NextRequest) {
  if (request.method === "POST" && request.headers.has("next-action")) {
    const refused = await checkActionBody(request);
    if (refused) return refused;
  }
  const hasSession =
    request.cookies.has("next-auth.session-token") || request.cookies.has("__Secure-next-auth.session-token");
  if (!hasSession && SIGNED_IN_PATHS.test(request.nextUrl.pathname)) {
    const url = new URL("/login", request.url);
    url.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

// Every page (server actions post to the page they belong to), not Next's own files or the API routes.
export const config = { matcher: ["/((?!_next/static|_next/image|api/|favicon.ico).*)"] };
