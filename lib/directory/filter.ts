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

/**
 * Checks a filter's syntax. A bare item without parentheses (`userPrincipalName={0}`, the seed's example) is
 * accepted as if wrapped in them. Throws FilterSyntaxError saying what is wrong and where.
 */
export function parseFilter(input: string): void {
  const text = input.trim();
  if (!text) throw new FilterSyntaxError("The filter is empty.", 0);
  const source = normaliseFilter(text);
  const offset = text.startsWith("(") ? 0 : -1;
  let pos = 0;
  const fail = (message: string): never => {
    throw new FilterSyntaxError(`${message} (at character ${Math.max(1, pos + offset + 1)}).`, pos + offset);
  };

  function filter(depth: number): void {
    if (depth > 50) fail("The filter is nested too deeply");
    if (source[pos] !== "(") fail("Expected “(”");
    pos++;
    const c = source[pos];
    if (c === "&" || c === "|") {
      pos++;
      if (source[pos] !== "(") fail(`“${c}” must be followed by at least one filter in parentheses`);
      while (source[pos] === "(") filter(depth + 1);
    } else if (c === "!") {
      pos++;
      filter(depth + 1);
    } else {
      item();
    }
    if (source[pos] !== ")") fail(pos >= source.length ? "A “)” is missing" : "Expected “)”");
    pos++;
  }

  function item(): void {
    const rest = source.slice(pos);
    const attr = ATTR.exec(rest)?.[0] ?? "";
    pos += attr.length;
    // Extensible match: attr[:dn][:rule]:=value or [:dn]:rule:=value
    if (source[pos] === ":") {
      if (source.startsWith(":dn", pos) && source[pos + 3] === ":") pos += 3;
      if (source[pos] === ":" && source[pos + 1] !== "=") {
        pos++;
        const rule = RULE.exec(source.slice(pos))?.[0];
        if (!rule) fail("Expected a matching rule after “:”");
        pos += rule!.length;
      }
      if (!source.startsWith(":=", pos)) fail("Expected “:=” in an extensible match");
      if (!attr && !/:[A-Za-z0-9.]+:=$/.test(source.slice(0, pos + 2)))
        fail("An extensible match needs an attribute or a matching rule");
      pos += 2;
      value(false);
      return;
    }
    if (!attr) fail("Expected an attribute name");
    const op = source.slice(pos, pos + 2);
    if (op === ">=" || op === "<=" || op === "~=") {
      pos += 2;
      value(false);
    } else if (source[pos] === "=") {
      pos++;
      value(true);
    } else {
      fail(`Expected “=”, “>=”, “<=” or “~=” after “${attr}”`);
    }
  }

  function value(allowStar: boolean): void {
    while (pos < source.length && source[pos] !== ")") {
      const ch = source[pos];
      if (ch === "(") fail("An unescaped “(” in a value: write it as \\28");
      if (ch === "*" && !allowStar) fail("An unescaped “*” in a value: write it as \\2a");
      if (ch === "\\") {
        if (!/^[0-9A-Fa-f]{2}$/.test(source.slice(pos + 1, pos + 3)))
          fail("A “\\” must be followed by two hexadecimal digits");
        pos += 3;
        continue;
      }
      if (ch === "\0") fail("A NUL character in a value");
      pos++;
    }
  }

  filter(0);
  if (pos !== source.length) fail("Unexpected text after the end of the filter");
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
