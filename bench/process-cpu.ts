// CPU time of this process, of others (from /proc, Linux) and of the whole machine: what a bench charges to each part.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU ms (user + system, all threads) this process has used so far. */
export function ownCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** utime + stime of /proc/<pid>/stat, in ms (clock ticks are 100 Hz on Linux); undefined when unreadable. */
function statOf(pid: number | string): { ppid: number; cpuMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces): state is 0, ppid 1, utime 11, stime 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
  } catch {
    return undefined;
  }
}

/** CPU ms (user + system) a process has used so far; undefined where there is none. */
export function processCpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : statOf(pid)?.cpuMs;
}

/** The same for a process and every process below it (a CLI that runs the server as its child); 0 where /proc is missing. */
export function processTreeCpuMs(root: number): number {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  const stats = new Map<number, { ppid: number; cpuMs: number }>();
  for (const pid of pids) {
    const s = statOf(pid);
    if (s) stats.set(Number(pid), s);
  }
  const inTree = (pid: number): boolean => pid === root || (pid > 1 && stats.has(pid) && inTree(stats.get(pid)!.ppid));
  let ms = 0;
  for (const [pid, s] of stats) if (inTree(pid)) ms += s.cpuMs;
  return ms;
}

/** CPU ms the whole machine has spent busy (every core; /proc/stat less idle, I/O wait and the time a hypervisor stole); 0 where /proc is missing. */
export function machineBusyCpuMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = ticks;
    return (user + nice + system + irq + softirq) * 10;
  } catch {
    return 0;
  }
}
