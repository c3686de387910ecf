import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedTimescale, type EmbeddedTimescale } from './embedded-timescale';
import { createPool } from './pool';

/** Every TCP port this process listens on, from the kernel's own table (IPv4 and IPv6). */
const listeningTcpPortsOf = (pid: number): Set<number> => {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') inodes.add(`${cols[9]}:${parseInt(cols[1]!.split(':')[1]!, 16)}`); // 0A = LISTEN
    }
  }
  // /proc/<pid>/fd/* link to socket:[inode] for sockets.
  const ours = new Set<string>();
  for (const name of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${name}`));
      if (match) ours.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return new Set([...inodes].filter((entry) => ours.has(entry.split(':')[0]!)).map((entry) => Number(entry.split(':')[1])));
};

describe('embedded TimescaleDB: reachable only by this OS user, never over TCP', () => {
  let server: EmbeddedTimescale | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'rw-access-'));
    dirs.push(dir);
    return dir;
  };

  it('serves on a Unix socket (0600 in a 0700 folder) and opens no TCP port; pg connects through it', async () => {
    const before = listeningTcpPortsOf(process.pid);
    const socketDir = join(tempDir(), 'run');
    server = await startEmbeddedTimescale({ socketDir });
    expect(server.socketDir).toBe(socketDir);
    expect(server.url).not.toMatch(/127\.0\.0\.1|localhost/);
    expect([...listeningTcpPortsOf(process.pid)].filter((port) => !before.has(port))).toEqual([]);
    const socket = statSync(join(socketDir, '.s.PGSQL.5432'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    const pool = createPool(server.url, { embedded: true });
    try {
      expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('a stale socket file from a crashed run is cleared; a live server on the same folder refuses a second one', async () => {
    const socketDir = tempDir();
    closeSync(openSync(join(socketDir, '.s.PGSQL.5432'), 'w')); // left behind, nobody listening
    server = await startEmbeddedTimescale({ socketDir });
    await expect(startEmbeddedTimescale({ socketDir })).rejects.toThrow(/already serves/);
    await server.stop();
    server = undefined;
    expect(existsSync(join(socketDir, '.s.PGSQL.5432'))).toBe(false);
  });

  it('without a socket folder (or one too long for a socket path) it uses a private temporary one and removes it on stop', async () => {
    server = await startEmbeddedTimescale({ socketDir: join(tempDir(), 'x'.repeat(120)) });
    const dir = server.socketDir;
    expect(dir.length).toBeLessThan(100);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await server.stop();
    server = undefined;
    expect(existsSync(dir)).toBe(false);
  });

  it('a TCP server check works (the helper sees a port this process opens)', async () => {
    const before = listeningTcpPortsOf(process.pid);
    const tcp = createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as { port: number }).port;
    try {
      expect([...listeningTcpPortsOf(process.pid)].filter((p) => !before.has(p))).toEqual([port]);
    } finally {
      tcp.close();
    }
  });
});
