/**
 * Remembers values that cost far more to build than to look up and never change for their
 * key (Intl formatters, rendered fragments, a language's strings). Built on first use; at
 * `max` entries the map starts over, so unusual keys cannot grow it without bound.
 */
export function remembered<V>(max: number): (key: string, build: () => V) => V {
  const values = new Map<string, V>();
  return (key, build) => {
    let value = values.get(key);
    if (value === undefined) {
      value = build();
      if (values.size >= max) values.clear();
      values.set(key, value);
    }
    return value;
  };
}

/** A number per object, for keys that name a cached read by identity (never reused while the object lives). */
const identities = new WeakMap<object, number>();
let lastIdentity = 0;
export function idOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = ++lastIdentity;
    identities.set(value, id);
  }
  return id;
}
