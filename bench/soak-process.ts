// The soak's small pure helpers: which processes are the runtime's function workers, new code for a
// reload, which order an email is about, and where a run's result goes.

/**
 * The function workers among the machine's processes: children of the runtime's process (`parent`)
 * that run the worker bootstrap (node, forked with its module and export as arguments). `entries` are
 * /proc/<pid>/stat texts: "pid (comm) state ppid …".
 */
export function workerPids(parent: number, entries: readonly { pid: number; stat: string }[]): number[] {
  return entries
    .filter(({ stat }) => {
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      return ppid === parent && (comm === 'node' || comm.startsWith('node '));
    })
    .map(({ pid }) => pid);
}

/**
 * The same zip with an archive comment: the same files (so the same code runs), another CodeSha256 —
 * what a deploy of new code looks like to the runtime. The comment is the end-of-central-directory
 * record's last field: its length at offset 20, its bytes after the record.
 */
export function withZipComment(zip: Buffer, comment: string): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > zip.length) throw new Error('not a zip: no end-of-central-directory record');
  const text = Buffer.from(comment, 'utf8');
  const record = Buffer.from(zip.subarray(end, end + 22));
  record.writeUInt16LE(text.length, 20);
  return Buffer.concat([zip.subarray(0, end), record, text]);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The order an email is about: the order id its subject names ("We received your order <id>"). */
export const emailOrderId = (subject: string): string | undefined => UUID.exec(subject)?.[0];

/** A run shorter than the 30 minutes or 10,000 orders: its result is labelled short. */
export const isShortRun = (minutes: number, placed: number): boolean => minutes < 30 || placed < 10_000;

/** The result's file name (without extension): soak, or soak-short-<minutes>min for a short run. */
export const soakFileName = (short: boolean, minutes: number): string => (short ? `soak-short-${minutes}min` : 'soak');
