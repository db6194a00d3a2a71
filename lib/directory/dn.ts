// Distinguished names (RFC 4514): a syntax check for the form, and escaping of values. Pure.

const ATTR_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;

/** Returns an error message, or undefined when the DN parses. The empty DN (root) is refused here. */
export function dnError(input: string): string | undefined {
  const dn = input.trim();
  if (!dn) return "Enter a DN, such as ou=users,dc=example,dc=com.";
  let i = 0;
  while (i < dn.length) {
    // attribute type
    const eq = dn.indexOf("=", i);
    if (eq < 0) return `“${dn.slice(i).trim()}” has no “=”: each part of a DN is name=value.`;
    const type = dn.slice(i, eq).trim();
    if (!ATTR_TYPE.test(type)) return `“${type || "(empty)"}” is not an attribute name.`;
    i = eq + 1;
    // attribute value
    let value = "";
    if (dn[i] === "#") {
      const hex = /^#(?:[0-9A-Fa-f]{2})+/.exec(dn.slice(i));
      if (!hex) return "A value starting with “#” must be hexadecimal.";
      i += hex[0].length;
      value = hex[0];
    } else if (dn[i] === '"') {
      const end = dn.indexOf('"', i + 1);
      if (end < 0) return "A quoted value is not closed.";
      value = dn.slice(i + 1, end);
      i = end + 1;
    } else {
      while (i < dn.length && dn[i] !== "," && dn[i] !== "+" && dn[i] !== ";") {
        if (dn[i] === "\\") {
          const next = dn.slice(i + 1, i + 3);
          if (/^[0-9A-Fa-f]{2}$/.test(next)) i += 3;
          else if (i + 1 < dn.length && ' "#+,;<=>\\'.includes(dn[i + 1])) i += 2;
          else return "A “\\” in a DN must escape a special character or two hexadecimal digits.";
          value += "x";
          continue;
        }
        if ('<>"='.includes(dn[i])) return `“${dn[i]}” must be escaped in a DN value (write \\${dn[i]}).`;
        value += dn[i];
        i++;
      }
    }
    if (!value.trim()) return `“${type}=” has no value.`;
    if (i < dn.length) {
      if (![",", "+", ";"].includes(dn[i])) return "Expected “,” between the parts of the DN.";
      i++;
      if (i >= dn.length || !dn.slice(i).trim()) return "The DN ends with a separator.";
    }
  }
  return undefined;
}

/** Escapes a value for use in a DN (RFC 4514 section 2.4). */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, "\\00");
  if (out.startsWith(" ") || out.startsWith("#")) out = `\\${out}`;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** dc=corp,dc=example,dc=com from corp.example.com */
export function dnFromDomain(domain: string): string {
  return domain
    .trim()
    .toLowerCase()
    .split(".")
    .filter(Boolean)
    .map((p) => `dc=${escapeDnValue(p)}`)
    .join(",");
}

/** Splits at every unescaped, unquoted occurrence of one of `separators`. */
function splitUnescaped(text: string, separators: string): string[] {
  // The usual DN has neither escapes nor quotes: a plain split (the sync normalises every member DN).
  if (!text.includes("\\") && !text.includes('"'))
    return text.split(separators.length === 1 ? separators : /[,;]/);
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if (!quoted && separators.includes(ch)) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Trims unescaped spaces: `a\ ` keeps its escaped trailing space. */
function trimDnValue(value: string): string {
  const start = value.replace(/^\s+/, "");
  let end = start.length;
  while (end > 0 && start[end - 1] === " ") end--;
  let backslashes = 0;
  for (let j = end - 1; j >= 0 && start[j] === "\\"; j--) backslashes++;
  return start.slice(0, backslashes % 2 === 1 ? end + 1 : end);
}

/** The value an attribute value's string form stands for: escapes and quotes undone, UTF-8 decoded. */
function unescapeDnValue(raw: string): string {
  let value = trimDnValue(raw);
  if (!value.includes("\\") && !value.startsWith('"')) return value;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  // TextEncoder/TextDecoder, not Buffer: this module also runs in the browser (the connection form).
  const encoder = new TextEncoder();
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "\\" && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === "\\" && i + 1 < value.length) {
      bytes.push(...encoder.encode(value[i + 1]));
      i++;
    } else {
      const cp = value.codePointAt(i)!;
      const text = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(text));
      i += text.length - 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * One comparable form of a DN, the only one the console compares DNs by (group members against account DNs):
 * attribute types and values lower-cased, spaces around separators dropped, escapes (`\,`, `\2C`, UTF-8 as
 * `\C3\A9`) and quoted values reduced to one canonical escaping, the parts of a multi-valued RDN
 * (`cn=a+uid=b`) sorted. Values compare case-insensitively, as every naming attribute in practice does.
 * Pure; never throws (text that is not a DN comes back trimmed and lower-cased).
 */
export function normalizeDn(dn: string): string {
  const text = dn.trim();
  if (!text) return "";
  return splitUnescaped(text, ",;")
    .map((rdn) => {
      const avas = splitUnescaped(rdn, "+").map(normalizeAva);
      return avas.length === 1 ? avas[0] : avas.sort().join("+");
    })
    .join(",");
}

// Characters whose presence sends a value through the full unescape and escape (the rare case).
const SPECIAL = /[\\"+<>=#;,\0]/;

function normalizeAva(ava: string): string {
  const eq = ava.indexOf("=");
  if (eq < 0) return ava.trim().toLowerCase();
  const type = ava.slice(0, eq).trim().toLowerCase();
  const raw = trimDnValue(ava.slice(eq + 1));
  // A BER-encoded value (#04...) compares as its hex string.
  if (raw.startsWith("#")) return `${type}=${raw.toLowerCase()}`;
  if (!SPECIAL.test(raw)) return `${type}=${raw.toLowerCase()}`;
  return `${type}=${escapeDnValue(unescapeDnValue(raw).toLowerCase())}`;
}
