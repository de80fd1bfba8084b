/** The checksum the API wants with every upload: lowercase hex SHA-256, computed in a Web Worker. */
let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (hex: string) => void; reject: (err: Error) => void }>();

function hashWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./checksum.worker.ts', import.meta.url), { type: 'module', name: 'checksum' });
  worker.onmessage = ({ data }: MessageEvent<{ id: number; hex?: string; error?: string }>) => {
    const job = pending.get(data.id);
    pending.delete(data.id);
    if (data.hex) job?.resolve(data.hex);
    else job?.reject(new Error(`Could not read the file: ${data.error ?? 'unknown error'}`));
  };
  return worker;
}

export function sha256(file: Blob): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    hashWorker().postMessage({ id, file });
  });
}
