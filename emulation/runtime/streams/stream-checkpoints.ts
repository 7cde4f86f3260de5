// Where each stream mapping has got to in each shard: Lambda keeps this checkpoint across restarts,
// so a restarted runtime resumes after the last record done instead of at the starting position
// (from LATEST it would skip what was written while it was down; from TRIM_HORIZON repeat it all).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface CheckpointStore {
  /** The sequence number of the last record done in the shard, if any. */
  get(mappingUuid: string, shardId: string): string | undefined;
  set(mappingUuid: string, shardId: string, sequenceNumber: string): void;
}

type Checkpoints = Record<string, Record<string, string>>;

export class MemoryCheckpoints implements CheckpointStore {
  protected checkpoints: Checkpoints = {};

  get(mappingUuid: string, shardId: string): string | undefined {
    return this.checkpoints[mappingUuid]?.[shardId];
  }

  set(mappingUuid: string, shardId: string, sequenceNumber: string): void {
    this.checkpoints[mappingUuid] = { ...this.checkpoints[mappingUuid], [shardId]: sequenceNumber };
  }
}

/** A JSON file { mappingUuid: { shardId: sequenceNumber } }, rewritten whole (write, then rename) on each change. */
export class FileCheckpoints extends MemoryCheckpoints {
  constructor(
    private readonly file: string,
    /** Mappings that still exist: the others' entries (a re-created mapping has a new UUID) are dropped. */
    keep: readonly string[],
  ) {
    super();
    let saved: unknown = {};
    try {
      if (existsSync(file)) saved = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // An unreadable file (a crash mid-write cannot leave one: writes are renamed into place) starts afresh.
    }
    if (typeof saved === 'object' && saved !== null) {
      for (const [uuid, shards] of Object.entries(saved)) {
        if (!keep.includes(uuid) || typeof shards !== 'object' || shards === null) continue;
        for (const [shardId, sequenceNumber] of Object.entries(shards))
          if (typeof sequenceNumber === 'string') super.set(uuid, shardId, sequenceNumber);
      }
    }
  }

  override set(mappingUuid: string, shardId: string, sequenceNumber: string): void {
    if (this.get(mappingUuid, shardId) === sequenceNumber) return;
    super.set(mappingUuid, shardId, sequenceNumber);
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.checkpoints));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
