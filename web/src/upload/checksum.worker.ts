/** SHA-256 of a File off the main thread: hashing a 40 MB photo must not freeze the page. */
interface Scope {
  onmessage: ((event: MessageEvent<{ id: number; file: Blob }>) => void) | null;
  postMessage(message: { id: number; hex?: string; error?: string }): void;
}
const scope = self as unknown as Scope;

scope.onmessage = async ({ data: { id, file } }) => {
  try {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
    scope.postMessage({ id, hex: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
