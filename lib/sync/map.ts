// Mapping directory entries to account fields through a connection's field names. Pure.
import crypto from "node:crypto";
import type { Entry } from "ldapts";
import { isDisabledValue, vendorOf, type FieldNames } from "@/lib/directory/presets";
import { normaliseEmail } from "@/lib/identity/email";

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
  /** uSNChanged or modifyTimestamp: the high-water mark of incremental syncs. */
  changeMark: string | null;
  /**
   * The entry's version: uSNChanged (Active Directory) or entryCSN (OpenLDAP), exact; else modifyTimestamp,
   * to the second.
   */
  version: string | null;
};

// Stable ids: Active Directory objectGUID (binary), OpenLDAP/389
// entryUUID / nsUniqueId, Open Directory GeneratedUID.
export const STABLE_ID_ATTRIBUTES = [
  "objectGUID",
  "entryUUID",
  "nsUniqueId",
  "apple-generateduid",
  "GeneratedUID",
];
export const CHANGE_ATTRIBUTES = ["uSNChanged", "modifyTimestamp", "entryCSN"];

/** objectGUID bytes to the usual string form: the first three groups are little-endian. */
export function guidToString(buf: Buffer): string {
  if (buf.length !== 16) return buf.toString("hex");
  const h = (b: Buffer) => b.toString("hex");
  const le = (start: number, len: number) => h(Buffer.from(buf.subarray(start, start + len)).reverse());
  return `${le(0, 4)}-${le(4, 2)}-${le(6, 2)}-${h(buf.subarray(8, 10))}-${h(buf.subarray(10, 16))}`;
}

// Attribute names compare case-insensitively. Each distinct name is lower-cased once (a directory sends a
// handful), and an entry's attributes are indexed by lower-cased name once per mapping.
const LOWER = new Map<string, string>();

function lower(name: string): string {
  let l = LOWER.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (LOWER.size < 10_000) LOWER.set(name, l);
  }
  return l;
}

type Attributes = Map<string, unknown>;

function attributesOf(entry: Entry): Attributes {
  const out: Attributes = new Map();
  for (const key of Object.keys(entry)) out.set(lower(key), entry[key]);
  return out;
}

function valuesIn(attributes: Attributes, attribute: string): (string | Buffer)[] {
  const v = attributes.get(lower(attribute));
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as (string | Buffer)[];
}

function textIn(attributes: Attributes, attribute: string): string | null {
  const v = valuesIn(attributes, attribute)[0];
  if (v === undefined) return null;
  const s = Buffer.isBuffer(v) ? v.toString("utf8") : String(v);
  return s.trim() === "" ? null : s.trim();
}

/**
 * What changes whenever the entry changes: Active Directory's uSNChanged and OpenLDAP's entryCSN exactly
 * (every modification gets a new one); otherwise modifyTimestamp, which two changes within one second share.
 */
export function versionOf(entry: Entry): {
  version: string | null;
  exact: boolean;
  timestamp: string | null;
} {
  return versionIn(attributesOf(entry));
}

function versionIn(attributes: Attributes): {
  version: string | null;
  exact: boolean;
  timestamp: string | null;
} {
  const timestamp = textIn(attributes, "modifyTimestamp");
  const exact = textIn(attributes, "uSNChanged") ?? textIn(attributes, "entryCSN");
  return exact ? { version: exact, exact: true, timestamp } : { version: timestamp, exact: false, timestamp };
}

export type Listing = {
  id: string | null;
  version: string | null;
  exact: boolean;
  timestamp: string | null;
  mark: string | null;
};

/**
 * stableId, versionOf and the change mark of an entry read with only those attributes, in one pass over its
 * keys: the listing step of a full sync does this 100,000 times.
 */
export function listingOf(entry: Entry): Listing {
  let guid: Buffer | string | undefined;
  let other: string | undefined;
  let usn: string | undefined;
  let csn: string | undefined;
  let timestamp: string | undefined;
  for (const key of Object.keys(entry)) {
    const raw = entry[key];
    const v = (Array.isArray(raw) ? raw[0] : raw) as Buffer | string | undefined;
    if (v === undefined) continue;
    switch (key.toLowerCase()) {
      case "objectguid":
        guid = v;
        break;
      case "entryuuid":
      case "nsuniqueid":
      case "apple-generateduid":
      case "generateduid":
        other ??= String(v).trim().toLowerCase() || undefined;
        break;
      case "usnchanged":
        usn = String(v).trim() || undefined;
        break;
      case "entrycsn":
        csn = String(v).trim() || undefined;
        break;
      case "modifytimestamp":
        timestamp = String(v).trim() || undefined;
        break;
    }
  }
  const id =
    guid !== undefined ? (Buffer.isBuffer(guid) ? guidToString(guid) : String(guid)) : (other ?? null);
  const exact = usn ?? csn;
  // An entryCSN starts with the time of the change, as
  // modifyTimestamp gives it: a listing need not ask for both.
  timestamp ??= csnTime(csn);
  return {
    id,
    version: exact ?? timestamp ?? null,
    exact: Boolean(exact),
    timestamp: timestamp ?? null,
    mark: usn ?? timestamp ?? null,
  };
}

/** "20261123132800.123456Z#000000#000#000000" → "20261123132800Z" (generalized time to the second, UTC). */
export function csnTime(csn: string | undefined): string | undefined {
  const m = csn ? /^(\d{14})(?:\.\d+)?Z#/.exec(csn) : null;
  return m ? `${m[1]}Z` : undefined;
}

export function stableId(entry: Entry): string | null {
  return stableIdIn(attributesOf(entry));
}

function stableIdIn(attributes: Attributes): string | null {
  const guid = valuesIn(attributes, "objectGUID")[0];
  if (guid !== undefined) return Buffer.isBuffer(guid) ? guidToString(guid) : String(guid);
  for (const a of STABLE_ID_ATTRIBUTES.slice(1)) {
    const v = textIn(attributes, a);
    if (v) return v.toLowerCase();
  }
  return null;
}

export type MapOutcome =
  | { ok: true; entry: MappedEntry }
  | { ok: false; reason: "no-email"; dn: string }
  | { ok: false; reason: "invalid-email"; dn: string; value: string };

/** Field names, and the preset whose vendor knowledge says which status the server computes. */
export type MapFields = FieldNames & { preset?: string };

/**
 * The entry's status value (what is stored as the account's directory status) and whether it is disabled:
 * by the Status field, or by a status attribute the server computes (the preset's vendor knowledge), noted
 * in the value as `attribute=value` so that its change is a change of the stored status.
 */
export function statusOf(entry: Entry, fields: MapFields): { statusValue: string | null; disabled: boolean } {
  return statusIn(attributesOf(entry), fields);
}

function statusIn(
  attributes: Attributes,
  fields: MapFields,
): { statusValue: string | null; disabled: boolean } {
  const text = (attribute: string) =>
    valuesIn(attributes, attribute).map((v) => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v)));
  const statusValues = text(fields.statusField);
  let disabled = isDisabledValue(statusValues, fields.statusDisabled, fields.statusDisabledMode);
  const parts = [...statusValues];
  for (const c of vendorOf(fields.preset)?.computedStatus ?? []) {
    const values = text(c.attribute);
    if (!isDisabledValue(values, c.disabled, c.mode)) continue;
    disabled = true;
    parts.push(`${c.attribute}=${values.join(",")}`);
  }
  return { statusValue: parts.length ? parts.join(";") : null, disabled };
}

export function mapEntry(entry: Entry, fields: MapFields): MapOutcome {
  const attributes = attributesOf(entry);
  const rawEmail = textIn(attributes, fields.emailField);
  if (!rawEmail) return { ok: false, reason: "no-email", dn: entry.dn };
  // Only one plain, valid address becomes an identity: never markup, a list, or a value with line breaks.
  const email = normaliseEmail(rawEmail);
  if (!email) return { ok: false, reason: "invalid-email", dn: entry.dn, value: rawEmail };
  const accountName = textIn(attributes, fields.accountNameField);
  const userPrincipalName = textIn(attributes, fields.userPrincipalNameField);
  const fullName = textIn(attributes, fields.fullNameField) ?? accountName ?? email;
  const { statusValue, disabled } = statusIn(attributes, fields);
  const hash = crypto
    .createHash("sha1")
    .update(
      [
        entry.dn,
        email,
        accountName ?? "\u0002",
        userPrincipalName ?? "\u0002",
        fullName,
        statusValue ?? "\u0002",
      ].join("\u0001"),
    )
    .digest("base64");
  const changeMark = textIn(attributes, "uSNChanged") ?? textIn(attributes, "modifyTimestamp");
  return {
    ok: true,
    entry: {
      dn: entry.dn,
      directoryId: stableIdIn(attributes),
      email,
      accountName,
      userPrincipalName,
      fullName,
      statusValue,
      disabled,
      hash,
      changeMark,
      version: versionIn(attributes).version,
    },
  };
}

/**
 * A short key of the fields a connection maps: stored in front of each entry's change mark, so that changing
 * the mapping (another email field, another status rule) makes every stored mark stale and the next full sync
 * reads every entry's attributes again.
 */
export function mappingKey(fields: FieldNames): string {
  return crypto
    .createHash("sha1")
    .update(
      [
        fields.accountNameField,
        fields.emailField,
        fields.userPrincipalNameField,
        fields.fullNameField,
        fields.statusField,
        fields.statusDisabled,
        fields.statusDisabledMode,
      ]
        .join("\u0001")
        .toLowerCase(),
    )
    .digest("hex")
    .slice(0, 8);
}

export function isAscii(value: string): boolean {
  return /^[\x20-\x7e]*$/.test(value);
}
