// Several Server URLs per connection, as OpenLDAP's ldap.conf URI takes them: one field, the URLs separated by
// spaces or new lines, tried in order. Pure (the connection form validates with it in the browser).

export function serverUrls(value: string): string[] {
  return value.split(/[\s,]+/).filter(Boolean);
}

/** Why one URL cannot be used, or undefined. */
export function serverUrlError(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a URL such as ldap://ldap.example.com or ldaps://ldap.example.com:636.";
  }
  if (url.protocol !== "ldap:" && url.protocol !== "ldaps:")
    return "The URL must start with ldap:// or ldaps://.";
  if (!url.hostname) return "The URL needs a host name.";
  if ((url.pathname && url.pathname !== "/") || url.search || url.hash || url.username)
    return "Only the scheme, host and port: put the base DN in Base DN.";
  return undefined;
}

/** The field's error naming the first bad URL when there are several, or undefined. */
export function serverUrlsError(value: string): string | undefined {
  const urls = serverUrls(value);
  if (urls.length === 0) return "Enter the server URL.";
  if (urls.length > 10) return "At most 10 server URLs.";
  for (const url of urls) {
    const error = serverUrlError(url);
    if (error) return urls.length === 1 ? error : `${url}: ${error}`;
  }
  if (new Set(urls.map((u) => u.toLowerCase())).size !== urls.length) return "A server URL is listed twice.";
  return undefined;
}
