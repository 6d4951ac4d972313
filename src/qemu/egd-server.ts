/**
 * A minimal EGD (Entropy Gathering Daemon) server for QEMU's `rng-egd` backend, on a unix socket.
 * QEMU's backends/rng-egd.c speaks one command: a blocking read, the two bytes {0x02, n} with
 * 1 ≤ n ≤ 255, answered with exactly n random bytes (the EGD protocol has no header on that reply).
 * Bytes come from node's CSPRNG; the capture only needs the timing of a real socket round trip.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

export interface EgdServer {
  path: string;
  /** Requests answered (each ≤ 255 bytes). */
  readonly requests: () => number;
  close(): Promise<void>;
}

export function startEgdServer(path: string): Promise<EgdServer> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    let pending = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 1) {
        const cmd = pending[0]!;
        if (cmd === 0x02 || cmd === 0x01) {
          if (pending.length < 2) break;
          const n = pending[1]!;
          pending = pending.subarray(2);
          requests++;
          // 0x01 (non-blocking) answers with a count byte first; QEMU only sends 0x02.
          sock.write(cmd === 0x01 ? Buffer.concat([Buffer.from([n]), randomBytes(n)]) : randomBytes(n));
        } else if (cmd === 0x00) {
          // "entropy available" query: 4-byte big-endian count.
          pending = pending.subarray(1);
          sock.write(Buffer.from([0, 0, 0x10, 0]));
        } else {
          pending = pending.subarray(1); // unknown command byte: skip it
        }
      }
    });
    sock.on('error', () => sockets.delete(sock));
    sock.on('close', () => sockets.delete(sock));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () =>
      resolve({
        path,
        requests: () => requests,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}
