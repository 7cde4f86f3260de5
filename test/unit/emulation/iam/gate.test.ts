// The gate's memory of shard iterators: what GetRecords is authorised on.
import { ShardIterators } from '../../../../emulation/iam/gate.js';

describe('ShardIterators', () => {
  it('knows an iterator read once already: a reader whose answer was lost reads it again', () => {
    const iterators = new ShardIterators();
    iterators.remember('it-1', 'stream-a');
    iterators.remember('it-2', 'stream-a'); // the answer to it-1 handed out it-2
    expect(iterators.streamOf('it-1')).toBe('stream-a');
    expect(iterators.streamOf('it-2')).toBe('stream-a');
    expect(iterators.streamOf('never-handed-out')).toBeUndefined();
  });

  it('keeps at most its bound, forgetting the oldest first', () => {
    const iterators = new ShardIterators(2);
    iterators.remember('it-1', 's');
    iterators.remember('it-2', 's');
    iterators.remember('it-3', 's');
    expect([iterators.streamOf('it-1'), iterators.streamOf('it-2'), iterators.streamOf('it-3')]).toEqual([
      undefined,
      's',
      's',
    ]);
  });

  it('forgets an iterator 15 minutes after it was handed out, as AWS expires it', () => {
    let now = 0;
    const iterators = new ShardIterators(10_000, 15 * 60_000, () => now);
    iterators.remember('it-1', 's');
    now = 10 * 60_000;
    iterators.remember('it-2', 's');
    expect([iterators.streamOf('it-1'), iterators.streamOf('it-2')]).toEqual(['s', 's']);
    now = 15 * 60_000;
    expect([iterators.streamOf('it-1'), iterators.streamOf('it-2')]).toEqual([undefined, 's']);
    iterators.remember('it-3', 's'); // handing one out drops the expired ones
    now = 26 * 60_000;
    expect([iterators.streamOf('it-2'), iterators.streamOf('it-3')]).toEqual([undefined, 's']);
  });
});
