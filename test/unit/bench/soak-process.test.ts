import yazl from 'yazl';
import yauzl from 'yauzl';
import { emailOrderId, isShortRun, soakFileName, withZipComment, workerPids } from '../../../bench/soak-process.js';

describe('workerPids', () => {
  it('finds the node children of the runtime process, and nothing else', () => {
    const entries = [
      { pid: 10, stat: '10 (node) S 1 10 10 0' }, // the runtime itself
      { pid: 11, stat: '11 (node) S 10 10 10 0' }, // a worker
      { pid: 12, stat: '12 (python3) S 10 10 10 0' }, // the emulator, also its child
      { pid: 13, stat: '13 (node) S 99 10 10 0' }, // another process's node
      { pid: 14, stat: '14 (node) R 10 10 10 0' }, // a busy worker
      { pid: 15, stat: '15 (we) ird) S 10 10 10 0' }, // a name with a parenthesis
    ];
    expect(workerPids(10, entries)).toEqual([11, 14]);
  });
});

const zipOf = async (files: Record<string, string>): Promise<Buffer> => {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name, { mtime: new Date(0) });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const entriesOf = (zip: Buffer): Promise<{ names: string[]; comment: string }> =>
  new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || file === undefined) return reject(error);
      const names: string[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        file.readEntry();
      });
      file.on('end', () => resolve({ names, comment: file.comment }));
      file.on('error', reject);
      file.readEntry();
    });
  });

describe('withZipComment', () => {
  it('gives the same files another hash: a zip whose comment says so', async () => {
    const original = await zipOf({ 'handler.mjs': 'export const handler = () => 1;', 'handler.mjs.map': '{}' });
    const reloaded = withZipComment(original, 'soak reload 1');
    expect(reloaded.equals(original)).toBe(false);
    expect(await entriesOf(reloaded)).toEqual({ names: ['handler.mjs', 'handler.mjs.map'], comment: 'soak reload 1' });
    expect((await entriesOf(withZipComment(original, 'soak reload 2'))).comment).toBe('soak reload 2');
  });

  it('refuses what is not a zip', () => {
    expect(() => withZipComment(Buffer.from('not a zip'), 'x')).toThrow('no end-of-central-directory record');
  });
});

describe('emailOrderId', () => {
  it('reads the order id a subject names', () => {
    expect(emailOrderId('We received your order 0d8341f6-db67-4239-b1ac-1780ef1c7655')).toBe(
      '0d8341f6-db67-4239-b1ac-1780ef1c7655',
    );
    expect(emailOrderId('Welcome')).toBeUndefined();
  });
});

describe("the result's name", () => {
  it.each([
    [30, 10_000, 'soak'],
    [45, 12_000, 'soak'],
    [3, 500, 'soak-short-3min'],
    [30, 9_999, 'soak-short-30min'],
  ])('%i minutes, %i orders: %s', (minutes, placed, name) => {
    expect(soakFileName(isShortRun(minutes, placed), minutes)).toBe(name);
  });
});
