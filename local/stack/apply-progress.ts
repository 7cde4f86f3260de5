// Progress of a `terraform apply -json`, from Terraform's machine-readable UI: one JSON object a line
// (https://developer.hashicorp.com/terraform/internals/machine-readable-ui). The apply spends most of
// its time in a few waits (the provider's SQS attribute waiter), so "what is it waiting on" is the
// useful line: resources done of the total, and the slowest of those still in flight.

interface UiMessage {
  '@message'?: string;
  '@timestamp'?: string;
  type?: string;
  hook?: { resource?: { addr?: string }; elapsed_seconds?: number };
  changes?: { add: number; change: number; remove: number; operation: 'plan' | 'apply' };
  diagnostic?: { severity: 'error' | 'warning'; summary: string; detail?: string; address?: string };
}

export interface ApplyProgress {
  /** Reads one line of Terraform's -json output; returns its human-readable message, if any. */
  read(line: string): string | undefined;
  /** "planning", then "12/40 done; waiting on module.x.aws_sqs_queue.this["a"] (18 s) and 3 more", at `now` (ms since epoch). */
  summary(now?: number): string;
  /** Resources finished so far. */
  readonly done: number;
  /** Whether the plan is done (Terraform reported the plan's change summary). */
  readonly planned: boolean;
  /** The errors Terraform reported, as it words them. */
  errors(): string[];
}

export function createApplyProgress(): ApplyProgress {
  let total: number | undefined;
  let done = 0;
  const started = new Map<string, number>(); // address → when its apply started (ms)
  const errors: string[] = [];

  function read(line: string): string | undefined {
    let message: UiMessage;
    try {
      message = JSON.parse(line) as UiMessage;
    } catch {
      return line.trim() || undefined; // not Terraform's JSON (a crash's stack trace, say): pass it on as text
    }
    const address = message.hook?.resource?.addr;
    const at = message['@timestamp'] ? Date.parse(message['@timestamp']) : Date.now();
    switch (message.type) {
      case 'change_summary':
        if (message.changes?.operation === 'plan')
          total = message.changes.add + message.changes.change + message.changes.remove;
        break;
      case 'apply_start':
        if (address) started.set(address, at);
        break;
      case 'apply_complete':
      case 'apply_errored':
        if (address && started.delete(address)) done += 1;
        break;
      case 'diagnostic':
        if (message.diagnostic?.severity === 'error') {
          const d = message.diagnostic;
          errors.push([d.address, d.summary, d.detail].filter(Boolean).join(': '));
        }
        break;
    }
    return message['@message'];
  }

  function summary(now = Date.now()): string {
    if (total === undefined) return 'planning';
    const head = `${done}/${total} done`;
    const waiting = [...started].sort((a, b) => a[1] - b[1]);
    const slowest = waiting[0];
    if (slowest === undefined) return head;
    const [address, since] = slowest;
    const more = waiting.length > 1 ? ` and ${waiting.length - 1} more` : '';
    return `${head}; waiting on ${address} (${Math.max(0, Math.round((now - since) / 1000))} s)${more}`;
  }

  return {
    read,
    summary,
    get done() {
      return done;
    },
    get planned() {
      return total !== undefined;
    },
    errors: () => [...errors],
  };
}
