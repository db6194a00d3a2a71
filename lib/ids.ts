// Ids bound from URLs and forms: only a UUID can name a row, so anything else is "not found" before it
// reaches the database (which would answer a malformed uuid with an error, not with nothing). Pure.
import { z } from "zod";

const uuid = z.uuid();

export function isUuid(value: unknown): value is string {
  return uuid.safeParse(value).success;
}
