/**
 * A TCP proxy on 127.0.0.1 that cuts the line once: armed with n, after n more bytes have gone
 * from clients to the target (across connections), the connection carrying the next byte is cut —
 * a mid-request network failure. Connections after the cut pass through.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface CutProxy {
  url: string;
  /** Where to forward (the app's port), settable after the proxy started. */
  target: { port: number };
  /** Cuts after `bytes` more bytes from clients. */
  arm(bytes: number): void;
  readonly cut: boolean;
  close(): Promise<void>;
}

export async function startCutProxy(): Promise<CutProxy> {
  const target = { port: 0 };
  const sockets = new Set<Socket>();
  let sent = 0;
  let cutAfter = Infinity;
  let cut = false;
  const server = createServer((client) => {
    const upstream = connect(target.port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined); // the cut resets both ends
    }
    client.on('data', (chunk: Buffer) => {
      if (!cut && sent + chunk.length > cutAfter) {
        upstream.write(chunk.subarray(0, cutAfter - sent));
        cut = true;
        // let the partial chunk reach the server before the line goes dead
        upstream.end(() => client.destroy());
        return;
      }
      sent += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    target,
    arm: (bytes) => {
      cutAfter = sent + bytes;
    },
    get cut() {
      return cut;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
