import { authorizeOrg } from "@/lib/auth/session";
import { allLogs } from "@/lib/logs/queries";
import { parseLogQuery } from "@/lib/logs/filter";
import { csvRow } from "@/lib/logs/csv";
import { ForbiddenError, NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";

// The organisation's log as CSV, streamed in batches. Everything that can be refused is refused before the
// first byte: once the headers are out, a failure can only cut the connection.
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  let org: { id: string; slug: string };
  try {
    ({ org } = await authorizeOrg((await params).slug, "connections:manage"));
  } catch (error) {
    if (error instanceof ForbiddenError) return new Response("Forbidden", { status: 403 });
    if (error instanceof NotFoundError) return new Response("Not found", { status: 404 });
    throw error;
  }
  const { query, error } = parseLogQuery(Object.fromEntries(new URL(request.url).searchParams));
  if (error)
    return new Response(error, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const encoder = new TextEncoder();
  const stream = new ReadableStream({
    async start(controller) {
      controller.enqueue(encoder.encode("time_utc,level,connection,message,details\n"));
      try {
        for await (const rows of allLogs(org.id, query)) {
          const lines = rows.map((r) =>
            csvRow([
              r.createdAt.toISOString(),
              r.level,
              r.connection?.name ?? "",
              r.message,
              JSON.stringify(r.details ?? {}),
            ]),
          );
          controller.enqueue(encoder.encode(lines.join("\n") + "\n"));
        }
        controller.close();
      } catch (failure) {
        console.error("log export failed", failure);
        controller.error(failure);
      }
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${org.slug}-directory-log.csv"`,
      "cache-control": "no-store",
    },
  });
}
