/** A form's textarea sends CRLF line ends (HTML's form encoding): stored text keeps LF only. */
export const unixLines = (s: string): string => s.replace(/\r\n?/g, "\n");
