// CPU time by process from /proc (Linux): the emulator, the benchmark's own process (which hosts
// the runtime's pollers, the front door and the fault proxy, as `make up` does), each function's
// workers (found by their handler path), and the call counter. Deltas over wall time give shares.
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process's parent and the CPU it has used (user + system), from /proc/<pid>/stat; undefined once it is gone. */
export function processStat(pid: number): { ppid: number; cpuMs: number } | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { ppid, cpuMs: ((utime + stime) * 1000) / TICKS };
  } catch {
    return undefined;
  }
}

export type CpuSnapshot = Record<string, number>;

/** CPU milliseconds so far, by role. Workers are grouped by function name (from their command line). */
export function cpuSnapshot(roles: { emulator?: number; counter?: number }): CpuSnapshot {
  const out: CpuSnapshot = {};
  const add = (key: string, ms: number): void => {
    out[key] = (out[key] ?? 0) + ms;
  };
  const self = process.pid;
  const selfUsage = process.cpuUsage();
  add('bench process (runtime, front door, fault proxy, load)', (selfUsage.user + selfUsage.system) / 1000);
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === self) continue;
    const s = processStat(pid);
    if (s === undefined) continue;
    if (pid === roles.emulator) add('emulator (moto_server)', s.cpuMs);
    else if (pid === roles.counter) add('call counter', s.cpuMs);
    else if (s.ppid === self) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      const fn = /order-fanout-([a-z-]+)-[^/]*\/handler\.mjs/.exec(cmd)?.[1];
      if (fn !== undefined) add(`workers: ${fn}`, s.cpuMs);
    }
  }
  return out;
}

/** The machine a run measured, as results record it (the load average at the start: compare runs at similar load). */
export function machineInfo() {
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGiB: round1(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map(round1),
  };
}
