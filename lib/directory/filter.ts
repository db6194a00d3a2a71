// LDAP search filters (RFC 4515): escaping of values, and a parser that checks a filter before it is saved.
// Pure: used by the connection form in the browser and by the server.

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = "FilterSyntaxError";
  }
}

/**
 * Escapes a value for use inside a filter: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`, `\5c`,
 * `\00`.
 */
export function escapeFilterValue(value: string): string {
  let out = "";
  for (const ch of value) {
    switch (ch) {
      case "\\":
        out += "\\5c";
        break;
      case "*":
        out += "\\2a";
        break;
      case "(":
        out += "\\28";
        break;
      case ")":
        out += "\\29";
        break;
      case "\0":
        out += "\\00";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** Replaces every `{0}` of a filter template with the escaped value. */
export function fillFilter(template: string, value: string): string {
  return template.split("{0}").join(escapeFilterValue(value));
}

/**
 * A filter as it is sent: trimmed, and a bare item (`userPrincipalName={0}`, the seed's example) wrapped in
 * parentheses. The one place that does this, for the sync, sign-in, migration and the parser alike.
 */
export function normaliseFilter(filter: string): string {
  const f = filter.trim();
  return f.startsWith("(") ? f : `(${f})`;
}

const ATTR = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*/;
const RULE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)/;

/** The parser's position in the normalised filter, and how to report an error at it. */
type Cursor = { source: string; pos: number; fail: (message: string) => never };

/**
 * Checks a filter's syntax. A bare item without parentheses (`userPrincipalName={0}`, the seed's example) is
 * accepted as if wrapped in them. Throws FilterSyntaxError saying what is wrong and where.
 */
export function parseFilter(input: string): void {
  const text = input.trim();
  if (!text) throw new FilterSyntaxError("The filter is empty.", 0);
  const offset = text.startsWith("(") ? 0 : -1;
  const c: Cursor = {
    source: normaliseFilter(text),
    pos: 0,
    fail: (message) => {
      throw new FilterSyntaxError(
        `${message} (at character ${Math.max(1, c.pos + offset + 1)}).`,
        c.pos + offset,
      );
    },
  };
  parseComponent(c, 0);
  if (c.pos !== c.source.length) c.fail("Unexpected text after the end of the filter");
}

function parseComponent(c: Cursor, depth: number): void {
  const { source } = c;
  if (depth > 50) c.fail("The filter is nested too deeply");
  if (source[c.pos] !== "(") c.fail("Expected “(”");
  c.pos++;
  const op = source[c.pos];
  if (op === "&" || op === "|") {
    c.pos++;
    if (source[c.pos] !== "(") c.fail(`“${op}” must be followed by at least one filter in parentheses`);
    while (source[c.pos] === "(") parseComponent(c, depth + 1);
  } else if (op === "!") {
    c.pos++;
    parseComponent(c, depth + 1);
  } else {
    parseItem(c);
  }
  if (source[c.pos] !== ")") c.fail(c.pos >= source.length ? "A “)” is missing" : "Expected “)”");
  c.pos++;
}

function parseItem(c: Cursor): void {
  const { source } = c;
  const attr = ATTR.exec(source.slice(c.pos))?.[0] ?? "";
  c.pos += attr.length;
  if (source[c.pos] === ":") return parseExtensible(c, attr);
  if (!attr) c.fail("Expected an attribute name");
  const op = source.slice(c.pos, c.pos + 2);
  if (op === ">=" || op === "<=" || op === "~=") {
    c.pos += 2;
    parseValue(c, false);
  } else if (source[c.pos] === "=") {
    c.pos++;
    parseValue(c, true);
  } else {
    c.fail(`Expected “=”, “>=”, “<=” or “~=” after “${attr}”`);
  }
}

/** Extensible match: attr[:dn][:rule]:=value or [:dn]:rule:=value */
function parseExtensible(c: Cursor, attr: string): void {
  const { source } = c;
  if (source.startsWith(":dn", c.pos) && source[c.pos + 3] === ":") c.pos += 3;
  if (source[c.pos] === ":" && source[c.pos + 1] !== "=") {
    c.pos++;
    const rule = RULE.exec(source.slice(c.pos))?.[0];
    if (!rule) return c.fail("Expected a matching rule after “:”");
    c.pos += rule.length;
  }
  if (!source.startsWith(":=", c.pos)) c.fail("Expected “:=” in an extensible match");
  if (!attr && !/:[A-Za-z0-9.]+:=$/.test(source.slice(0, c.pos + 2)))
    c.fail("An extensible match needs an attribute or a matching rule");
  c.pos += 2;
  parseValue(c, false);
}

function parseValue(c: Cursor, allowStar: boolean): void {
  const { source } = c;
  while (c.pos < source.length && source[c.pos] !== ")") {
    const ch = source[c.pos];
    if (ch === "(") c.fail("An unescaped “(” in a value: write it as \\28");
    if (ch === "*" && !allowStar) c.fail("An unescaped “*” in a value: write it as \\2a");
    if (ch === "\\") {
      if (!/^[0-9A-Fa-f]{2}$/.test(source.slice(c.pos + 1, c.pos + 3)))
        c.fail("A “\\” must be followed by two hexadecimal digits");
      c.pos += 3;
      continue;
    }
    if (ch === "\0") c.fail("A NUL character in a value");
    c.pos++;
  }
}

export function filterError(input: string): string | undefined {
  try {
    parseFilter(input);
    return undefined;
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error.message;
    throw error;
  }
}
