/* localStorage and sessionStorage that never throw (private mode, blocked storage). */

export function readStore(store, key) {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

export function writeStore(store, key, value) {
  try {
    if (value === null || value === undefined) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    /* private mode: nothing to keep */
  }
}
