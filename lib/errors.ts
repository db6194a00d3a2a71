// Errors whose message is safe to show to the person who caused them. Anything else reaching an action or
// route becomes a generic message and a log line: no Prisma, LDAP or stack text reaches a browser.
export class UserError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = "UserError";
  }
}

export class ForbiddenError extends Error {
  constructor(message = "You do not have permission to do that.") {
    super(message);
    this.name = "ForbiddenError";
  }
}

export class NotFoundError extends Error {
  constructor(message = "Not found.") {
    super(message);
    this.name = "NotFoundError";
  }
}

/** A unique-constraint violation (P2002), optionally on a given field: matched on the index name, which the
 * driver adapter reports (e.g. "User_email_key"), or on the field list older engines report. */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  const e = error as {
    code?: string;
    meta?: {
      target?: unknown;
      driverAdapterError?: { cause?: { constraint?: { index?: string; fields?: string[] } } };
    };
  };
  if (e?.code !== "P2002") return false;
  if (!field) return true;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  const names = [e.meta?.target, constraint?.index, constraint?.fields].flat().filter(Boolean).map(String);
  return names.some((n) =>
    n
      .replace(/"/g, "")
      .split(/[_,\s]/)
      .includes(field),
  );
}
