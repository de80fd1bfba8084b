/**
 * A TCP proxy on 127.0.0.1 that cuts the line once: armed with n, after n more bytes have gone
 * from clients to the target (across connections), the connection carrying the next byte is cut —
 * a mid-request network failure. Connections after the cut pass through. It also logs the head of
 * every HTTP request that reached the target (method, path, headers), as the server saw it.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A request head that went through to the target. Header names are lowercase. */
export interface ProxiedHead {
  method: string;
  path: string;
  headers: Record<string, string>;
}

export interface CutProxy {
  url: string;
  /** Where to forward (the app's port), settable after the proxy started. */
  target: { port: number };
  /** Cuts after `bytes` more bytes from clients. */
  arm(bytes: number): void;
  readonly cut: boolean;
  /** Every request head forwarded, in order (bodies with Content-Length are skipped over). */
  readonly heads: ProxiedHead[];
  close(): Promise<void>;
}

/** Splits one connection's client bytes into request heads; gives up on chunked bodies (not needed here). */
function headReader(onHead: (head: ProxiedHead) => void): (bytes: Buffer) => void {
  let pending = Buffer.alloc(0);
  let bodyLeft = 0;
  let lost = false;
  return (bytes) => {
    let rest = bytes;
    while (!lost && rest.length) {
      if (bodyLeft > 0) {
        const n = Math.min(bodyLeft, rest.length);
        bodyLeft -= n;
        rest = rest.subarray(n);
        continue;
      }
      pending = Buffer.concat([pending, rest]);
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [requestLine = '', ...lines] = pending.subarray(0, end).toString('latin1').split('\r\n');
      const [method = '', path = ''] = requestLine.split(' ');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      onHead({ method, path, headers });
      lost = /chunked/i.test(headers['transfer-encoding'] ?? '');
      bodyLeft = Number(headers['content-length'] ?? 0);
      rest = pending.subarray(end + 4);
      pending = Buffer.alloc(0);
    }
  };
}

export async function startCutProxy(): Promise<CutProxy> {
  const target = { port: 0 };
  const sockets = new Set<Socket>();
  let sent = 0;
  let cutAfter = Infinity;
  let cut = false;
  const heads: ProxiedHead[] = [];
  const server = createServer((client) => {
    const upstream = connect(target.port, '127.0.0.1');
    const readHeads = headReader((head) => heads.push(head));
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined); // the cut resets both ends
    }
    client.on('data', (chunk: Buffer) => {
      if (!cut && sent + chunk.length > cutAfter) {
        upstream.write(chunk.subarray(0, cutAfter - sent));
        readHeads(chunk.subarray(0, cutAfter - sent));
        cut = true;
        // let the partial chunk reach the server before the line goes dead
        upstream.end(() => client.destroy());
        return;
      }
      sent += chunk.length;
      upstream.write(chunk);
      readHeads(chunk);
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
    heads,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
