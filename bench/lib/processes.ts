import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseListeningLine, REPLICA_TOKEN_HEADER } from '@slipway/core';

/** A process and all its descendants, from /proc (Linux). */
export async function processTree(rootPid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** User + system CPU time a process has used so far, in milliseconds. */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

/** The replica process the local driver started for `modelName` under the worker. */
export async function replicaPid(workerPid: number, modelName: string): Promise<number> {
  for (const pid of await processTree(workerPid)) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`SLIPWAY_MODEL_NAME=${modelName}`)) return pid;
  }
  throw new Error(`no replica process for ${modelName}`);
}

/** The header a direct caller needs for the replica of `modelName`: its token, read from its environment as the gateway gets it from the routing table. */
export async function replicaAuth(workerPid: number, modelName: string): Promise<Record<string, string>> {
  const environ = await readFile(`/proc/${await replicaPid(workerPid, modelName)}/environ`, 'utf8');
  const token = environ
    .split('\0')
    .find((kv) => kv.startsWith('SLIPWAY_REPLICA_TOKEN='))
    ?.slice('SLIPWAY_REPLICA_TOKEN='.length);
  return token ? { [REPLICA_TOKEN_HEADER]: token } : {};
}

export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** The port from a gateway's `{"msg":"listening","url":…}` line. */
function gatewayPort(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  const message = JSON.parse(line) as { msg?: string; url?: string };
  return message.msg === 'listening' && message.url ? Number(new URL(message.url).port) : undefined;
}

export interface Started {
  url: string;
  pid: number;
  stop(): void;
}

/** A child process that prints `{"msg":"listening", "port"|"url": …}` once it listens (the bare proxy, a second gateway). */
export async function startListening(args: string[], env?: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...(env ?? process.env), LOG_FORMAT: 'json' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      // The bare proxy prints the runtime's listening line (launch contract); a gateway prints its URL.
      const port = parseListeningLine(line)?.port ?? gatewayPort(line);
      if (port !== undefined) resolve(port);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}
