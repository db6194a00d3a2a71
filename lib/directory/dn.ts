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
