// The forms a sign-in name takes: an email or name@domain, DOMAIN\name, or a bare account name. Pure.
export type ParsedLogin =
  | { kind: "at"; value: string; name: string; domain: string }
  | { kind: "nt"; value: string; name: string; ntDomain: string }
  | { kind: "bare"; value: string; name: string };

export function parseLogin(raw: string): ParsedLogin {
  const value = raw.trim();
  const slash = value.indexOf("\\");
  if (slash > 0 && slash < value.length - 1)
    return { kind: "nt", value, ntDomain: value.slice(0, slash), name: value.slice(slash + 1) };
  const at = value.lastIndexOf("@");
  if (at > 0 && at < value.length - 1)
    return { kind: "at", value, name: value.slice(0, at), domain: value.slice(at + 1).toLowerCase() };
  return { kind: "bare", value, name: value };
}
