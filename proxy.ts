import { NextResponse, type NextRequest } from "next/server";

// A cheap redirect for visitors without a session cookie. Authorization itself happens on the server in every
// page, action and route (lib/auth/session.ts); this only saves a round trip.
export function proxy(request: NextRequest) {
  const hasSession =
    request.cookies.has("next-auth.session-token") || request.cookies.has("__Secure-next-auth.session-token");
  if (!hasSession) {
    const url = new URL("/login", request.url);
    url.searchParams.set("callbackUrl", request.nextUrl.pathname + request.nextUrl.search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = { matcher: ["/admin/:path*", "/org/:path*", "/home", "/account", "/files"] };
