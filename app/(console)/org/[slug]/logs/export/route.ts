import { authorizeOrg } from "@/lib/auth/session";
import { allLogs, logQuerySchema } from "@/lib/logs/queries";
import { ForbiddenError, NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";

function csv(value: string) {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

// The organisation's log as CSV, streamed in batches.
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  let org: { id: string; slug: string };
  try {
    ({ org } = await authorizeOrg((await params).slug, "connections:manage"));
  } catch (error) {
    if (error instanceof ForbiddenError) return new Response("Forbidden", { status: 403 });
    if (error instanceof NotFoundError) return new Response("Not found", { status: 404 });
    throw error;
  }
  const q = logQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const encoder = new TextEncoder();
  const stream = new ReadableStream({
    async start(controller) {
      controller.enqueue(encoder.encode("time_utc,level,connection,message,details\n"));
      for await (const rows of allLogs(org.id, q)) {
        controller.enqueue(
          encoder.encode(
            rows
              .map((r) =>
                [
                  r.createdAt.toISOString(),
                  r.level,
                  r.connection?.name ?? "",
                  r.message,
                  JSON.stringify(r.details ?? {}),
                ]
                  .map(csv)
                  .join(","),
              )
              .join("\n") + "\n",
          ),
        );
      }
      controller.close();
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
