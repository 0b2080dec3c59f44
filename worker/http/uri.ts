/** `decodeURIComponent` for request data: null instead of a URIError on malformed percent-encoding. */
export function tryDecodeURIComponent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
