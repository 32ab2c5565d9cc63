import { readFile } from 'node:fs/promises';

const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcReading {
  /** Resident memory now (VmRSS), MB; NaN once the process is gone. */
  rssMb: number;
  /** Highest resident memory so far (VmHWM), MB. */
  hwmMb: number;
  /** CPU time used so far, user + system (utime + stime), seconds; NaN once the process is gone. */
  cpuSeconds: number;
}

/**
 * A process's memory and CPU time from /proc (Linux).
 * @example const { cpuSeconds } = await readProc(child.pid!);
 */
export async function readProc(pid: number): Promise<ProcReading> {
  const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''), readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')]);
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND };
}
