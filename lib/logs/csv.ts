// CSV cells for exports that people open in a spreadsheet. Pure.

// A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (CSV injection):
// OWASP's advice is to prefix it with a single quote, which the spreadsheet shows as text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: string[]): string {
  return values.map(csvCell).join(",");
}
