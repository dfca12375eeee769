import { readdir, readFile } from 'node:fs/promises';
import { REPLICA_TOKEN_HEADER } from '@slipway/core';

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
