/** An absolute http(s) URL, normalised, or null: nothing else may become a link's href. */
export function safeHttpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** An image source: a same-origin path (our /media/… URLs) or an http(s) URL; anything else is dropped. */
export function safeImageUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  if (v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\")) return v;
  return safeHttpUrl(v);
}

/** The host of a URL for display ("example.org"), without a leading "www.". */
export function displayHost(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, "");
  } catch {
    return url;
  }
}
