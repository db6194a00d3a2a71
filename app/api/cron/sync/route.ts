import crypto from "node:crypto";
import { NextResponse } from "next/server";
import { runDueConnections } from "@/lib/sync/due";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

// Machine callers only: Authorization: Bearer $CRON_SECRET, compared in constant time.
function authorized(header: string | null): boolean {
  const secret = process.env.CRON_SECRET;
  if (!secret || !header?.startsWith("Bearer ")) return false;
  const given = crypto.createHash("sha256").update(header.slice(7)).digest();
  const expected = crypto.createHash("sha256").update(secret).digest();
  return crypto.timingSafeEqual(given, expected);
}

export async function GET(request: Request) {
  if (!authorized(request.headers.get("authorization"))) {
    return NextResponse.json({ error: "unauthorized" }, { status: 401 });
  }
  try {
    return NextResponse.json(await runDueConnections({ trigger: "CRON" }));
  } catch (error) {
    console.error("cron sync failed", error);
    return NextResponse.json(
      { error: "The synchronisation run failed; see the server log." },
      { status: 500 },
    );
  }
}
