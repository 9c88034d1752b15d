import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The lowest port the OS hands out for `listen(0)` and outgoing connections. Ports picked below
 * it are never taken by another test's servers or sockets while a devnet is down between a stop
 * and a restart (an EADDRINUSE on the restart made a test fail under load).
 */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const value = Number(low);
    if (Number.isInteger(value) && value > 12_000) return value;
  } catch {
    // Not Linux: IANA's dynamic range, which macOS and Windows use.
  }
  return 49_152;
}

/**
 * A base port with the two after it free (chain, validator, signaling): a devnet stopped and
 * started again on it keeps the addresses in the app's network profile.
 */
export async function freeDevnetPort(): Promise<number> {
  const low = 10_000;
  const span = ephemeralLow() - 3 - low;
  for (let i = 0; i < 50; i++) {
    const base = low + Math.floor(Math.random() * span);
    if ((await isFree(base)) && (await isFree(base + 1)) && (await isFree(base + 2))) return base;
  }
  throw new Error('no three free loopback ports in a row');
}
