/** One CSV cell: quoted when needed, and a leading = + - @ defused so a spreadsheet does not run it as a formula. */
export function csvCell(value: string | null | undefined): string {
  const v = value ?? "";
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
