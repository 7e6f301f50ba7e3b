/**
 * A real OpenSSH server for tests: Debian's `/usr/sbin/sshd -D -e` on 127.0.0.1 and a free port,
 * as the current user, with a generated host key and one generated client key allowed in. Stop it
 * with `stop()` (its own pid only).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  port: number;
  user: string;
  /** The client's private key (OpenSSH format), as a credential would hold it. */
  clientKey: string;
  /** sshd's log (stderr) so far. */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function keygen(file: string) {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'runboard-test', '-f', file]);
}

export async function startSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'rb-sshd-'));
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')), {
    mode: 0o600
  });
  // sshd insists on its privilege separation directory even when it runs as one user.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) {
    await mkdir('/run/sshd', { mode: 0o755 });
  }
  const port = await freePort();
  const sftp = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server'].find((p) =>
    existsSync(p)
  );
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'LogLevel VERBOSE',
    ...(sftp ? [`Subsystem sftp ${sftp}`] : [])
  ].join('\n');
  await writeFile(join(dir, 'sshd_config'), `${config}\n`, { mode: 0o600 });

  let log = '';
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe']
  });
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`sshd exited (${child.exitCode}): ${log}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`sshd did not listen on ${port}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    user: userInfo().username,
    clientKey: await readFile(join(dir, 'client_key'), 'utf8'),
    log: () => log,
    stop
  };
}
