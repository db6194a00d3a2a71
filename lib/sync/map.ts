// Mapping directory entries to account fields through a connection's field names. Pure.
import crypto from "node:crypto";
import type { Entry } from "ldapts";
import { isDisabledValue, type FieldNames } from "@/lib/directory/presets";

export type MappedEntry = {
  dn: string;
  directoryId: string | null;
  email: string;
  accountName: string | null;
  userPrincipalName: string | null;
  fullName: string;
  statusValue: string | null;
  disabled: boolean;
  hash: string;
  changeMark: string | null;
};

// Stable ids: Active Directory objectGUID (binary), OpenLDAP/389 entryUUID / nsUniqueId, Open Directory GeneratedUID.
export const STABLE_ID_ATTRIBUTES = ["objectGUID", "entryUUID", "nsUniqueId", "apple-generateduid", "GeneratedUID"];
export const CHANGE_ATTRIBUTES = ["uSNChanged", "modifyTimestamp"];

/** objectGUID bytes to the usual string form: the first three groups are little-endian. */
export function guidToString(buf: Buffer): string {
  if (buf.length !== 16) return buf.toString("hex");
  const h = (b: Buffer) => b.toString("hex");
  const le = (start: number, len: number) => h(Buffer.from(buf.subarray(start, start + len)).reverse());
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${h(buf.subarray(8, 10))}-${h(buf.subarray(10, 16))}`;
}

// Attribute names compare case-insensitively; the lower-cased index of an entry's keys is built once.
const KEYS = new WeakMap<Entry, Map<string, string>>();

function values(entry: Entry, attribute: string): (string | Buffer)[] {
  let keys = KEYS.get(entry);
  if (!keys) {
    keys = new Map(Object.keys(entry).map((k) => [k.toLowerCase(), k]));
    KEYS.set(entry, keys);
  }
  const key = keys.get(attribute.toLowerCase());
  const v = key ? entry[key] : undefined;
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as (string | Buffer)[];
}

function text(entry: Entry, attribute: string): string | null {
  const v = values(entry, attribute)[0];
  if (v === undefined) return null;
  const s = Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
  return s.trim() === "" ? null : s.trim();
}

export function stableId(entry: Entry): string | null {
  const guid = values(entry, "objectGUID")[0];
  if (guid !== undefined) return Buffer.isBuffer(guid) ? guidToString(guid) : String(guid);
  for (const a of STABLE_ID_ATTRIBUTES.slice(1)) {
    const v = text(entry, a);
    if (v) return v.toLowerCase();
  }
  return null;
}

export type MapOutcome = { ok: true; entry: MappedEntry } | { ok: false; reason: "no-email"; dn: string };

export function mapEntry(entry: Entry, fields: FieldNames): MapOutcome {
  const email = text(entry, fields.emailField)?.toLowerCase();
  if (!email) return { ok: false, reason: "no-email", dn: entry.dn };
  const accountName = text(entry, fields.accountNameField);
  const userPrincipalName = text(entry, fields.userPrincipalNameField);
  const fullName = text(entry, fields.fullNameField) ?? accountName ?? email;
  const statusValues = values(entry, fields.statusField).map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v)));
  const statusValue = statusValues.length ? statusValues.join(";") : null;
  const disabled = isDisabledValue(statusValues, fields.statusDisabled, fields.statusDisabledMode);
  const hash = crypto.createHash("sha1").update([entry.dn, email, accountName ?? "\u0002", userPrincipalName ?? "\u0002", fullName, statusValue ?? "\u0002"].join("\u0001")).digest("base64");
  const changeMark = text(entry, "uSNChanged") ?? text(entry, "modifyTimestamp");
  return { ok: true, entry: { dn: entry.dn, directoryId: stableId(entry), email, accountName, userPrincipalName, fullName, statusValue, disabled, hash, changeMark } };
}

export function isAscii(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}
