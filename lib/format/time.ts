// Every date and time the console shows: in UTC, British order (25/03/2026, 14:05), so that what a page
// shows matches the logs and does not depend on the server's or the browser's zone. No server imports.
const STYLES = {
  /** 25/03/2026, 14:05:09 */
  full: {},
  /** 25/03/2026, 14:05 */
  short: { dateStyle: "short", timeStyle: "short" },
  /** 25/03/2026, 14:05:09 */
  shortSeconds: { dateStyle: "short", timeStyle: "medium" },
  /** 25 Mar 2026, 14:05 */
  medium: { dateStyle: "medium", timeStyle: "short" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export type TimeStyle = keyof typeof STYLES;

export function formatTime(value: Date | string, style: TimeStyle = "full"): string {
  return new Date(value).toLocaleString("en-GB", { timeZone: "UTC", ...STYLES[style] });
}

/** The same, saying it is UTC. */
export function formatUtc(value: Date | string, style: TimeStyle = "full"): string {
  return `${formatTime(value, style)} UTC`;
}

/** 2026-03-25 14:05:09, for logs and audit tables that sort and compare by eye. */
export function formatTimestamp(value: Date | string): string {
  return new Date(value).toISOString().replace("T", " ").slice(0, 19);
}
