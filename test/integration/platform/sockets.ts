import * as fs from 'node:fs';

/** The TCP sockets a process listens on, read from /proc (Linux): which process holds which port, on which address. */

export interface Listener {
  readonly pid: number;
  readonly address: string;
  readonly port: number;
}

/** `0100007F` (little-endian IPv4 of /proc/net/tcp) → 127.0.0.1; IPv6 as 4 little-endian words. */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
  }
  const bytes: number[] = [];
  for (let w = 0; w < 4; w += 1) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (const i of [6, 4, 2, 0]) bytes.push(Number.parseInt(word.slice(i, i + 2), 16));
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  const full = groups.join(':');
  // ::ffff:a.b.c.d, the IPv4-mapped form Java uses for an IPv4 bind on a dual-stack socket
  if (full.startsWith('0:0:0:0:0:ffff:')) return `::ffff:${bytes.slice(12).join('.')}`;
  return full === '0:0:0:0:0:0:0:1' ? '::1' : full === '0:0:0:0:0:0:0:0' ? '::' : full;
}

/** Every TCP socket in LISTEN state (st 0A) held by one of the given processes, from /proc (Linux). */
export function listeningSockets(pids: readonly number[]): Listener[] {
  const inodes = new Map<string, number>();
  for (const pid of pids) {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      let link = '';
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) inodes.set(inode, pid);
    }
  }
  const found: Listener[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const pid = inodes.get(cols[9] as string);
      if (pid === undefined) continue;
      const [addr, port] = (cols[1] as string).split(':') as [string, string];
      found.push({ pid, address: decodeAddress(addr), port: Number.parseInt(port, 16) });
    }
  }
  return found;
}

export const loopback = (address: string) =>
  /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
