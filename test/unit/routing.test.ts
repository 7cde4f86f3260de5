// The routing contract: which event types each queue receives. It is defined once, in
// infra/modules/order-fanout/routing.json, from which Terraform builds each queue's SNS filter
// policy; the consumers' dispatch maps say it again in code, and README's queue table in prose.
// This test holds the three to one another:
// - Terraform's filter policies as its HCL computes them: the order-fanout module's `queues` local
//   (the routing file it reads, or a map written in its place), handed to the messaging module,
//   whose subscriptions filter on exactly each queue's event_types;
// - every consumer's dispatch map (functions/<consumer>, wired by its handler.ts);
// - the first table after README's routing marker: a row per consumer (its first cell names it)
//   and the event types in the column headed "receives" or "listens to".
// A change to one filter policy, or to one dispatch map, alone fails it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import * as v from 'valibot';
import { billingHandlers } from '../../functions/billing/billing.js';
import { inventoryHandlers } from '../../functions/inventory/reservations.js';
import { notificationHandlers } from '../../functions/notification/notifications.js';
import { orderStatusHandlers } from '../../functions/order-status/apply-result-event.js';
import { EVENT_TYPES } from '../../functions/shared/events.js';

const root = join(import.meta.dirname, '..', '..');
const orderFanout = join(root, 'infra', 'modules', 'order-fanout');
const messaging = join(root, 'infra', 'modules', 'messaging');

/** Each consumer's dispatch map, by the name its handler.ts imports it under. */
const DISPATCH_MAPS: Record<string, { name: string; handlers: object }> = {
  inventory: { name: 'inventoryHandlers', handlers: inventoryHandlers },
  billing: { name: 'billingHandlers', handlers: billingHandlers },
  notification: { name: 'notificationHandlers', handlers: notificationHandlers },
  'order-status': { name: 'orderStatusHandlers', handlers: orderStatusHandlers },
};

const MARKER = '<!-- routing: the event types each queue receives; checked by the routing test -->';

const QueuesSchema = v.record(
  v.string(),
  v.object({ consumer: v.string(), event_types: v.pipe(v.array(v.picklist(EVENT_TYPES)), v.minLength(1)) }),
);
type Queues = v.InferOutput<typeof QueuesSchema>;
const RoutingFileSchema = v.object({ queues: QueuesSchema });

const HclBlockSchema = v.array(v.record(v.string(), v.unknown()));
const hclFile = async (dir: string, file: string): Promise<unknown> =>
  parse(file, readFileSync(join(dir, file), 'utf8'));
/** An HCL expression as hcl2json gives it ("${…}"), its white space folded. */
const squash = (expression: unknown): string => String(expression).replace(/\s+/g, ' ').trim();
/** How hcl2json writes an expression: "${expression}". */
const interpolation = (expression: string): string => `\${${expression}}`;
const sorted = (types: Iterable<string>): string[] => [...types].sort();

/** The module's `queues` local, as the routing file it reads or as a map written in the HCL. */
async function terraformQueues(): Promise<Queues> {
  const main = v.parse(v.object({ locals: HclBlockSchema }), await hclFile(orderFanout, 'main.tf'));
  const queues = main.locals.find((block) => 'queues' in block)?.queues;
  if (typeof queues !== 'string') return v.parse(QueuesSchema, queues);
  const file = /^\$\{jsondecode\(file\("\$\{path\.module\}\/([^"]+)"\)\)\.queues\}$/.exec(squash(queues))?.[1];
  if (file === undefined)
    throw new Error(
      `order-fanout's local.queues is ${queues}: not the routing file nor a map; teach this test to read it`,
    );
  const json: unknown = JSON.parse(readFileSync(join(orderFanout, file), 'utf8'));
  return v.parse(RoutingFileSchema, json).queues;
}

/** The first table after the marker: its header cells and its rows' cells. */
function tableAfterMarker(markdown: string): { header: string[]; rows: string[][] } {
  const lines = markdown.split('\n');
  const marker = lines.findIndex((line) => line.trim() === MARKER);
  if (marker === -1) throw new Error(`README.md has no line ${MARKER}`);
  const start = lines.findIndex((line, index) => index > marker && line.trim().startsWith('|'));
  if (start === -1) throw new Error('README.md has no table after the routing marker');
  const end = lines.findIndex((line, index) => index > start && !line.trim().startsWith('|'));
  const cells = (line: string): string[] =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  const [header = [], , ...rows] = lines.slice(start, end === -1 ? undefined : end).map(cells);
  return { header, rows };
}

/** README's event types of each consumer's row, from the column headed "receives" or "listens to". */
function readmeRouting(consumers: string[]): Map<string, string[]> {
  const { header, rows } = tableAfterMarker(readFileSync(join(root, 'README.md'), 'utf8'));
  const column = header.findIndex((cell) => /^(receives|listens to)/i.test(cell.replace(/[*_`]/g, '')));
  if (column === -1)
    throw new Error(`README's routing table has no column "receives" or "listens to": ${header.join(' | ')}`);
  const names = (cell: string): string[] => cell.match(/[a-z0-9]+(?:-[a-z0-9]+)*/gi) ?? [];
  return new Map(
    consumers.map((consumer) => {
      // The row naming the consumer (as a word of its own, else anywhere in the first cell).
      let matching = rows.filter((row) => names(row[0] ?? '').includes(consumer));
      if (matching.length === 0) matching = rows.filter((row) => (row[0] ?? '').includes(consumer));
      if (matching.length !== 1)
        throw new Error(`README's routing table has ${matching.length} rows naming ${consumer}, not one`);
      const types = (matching[0]?.[column] ?? '').match(/\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+\b/g) ?? [];
      return [consumer, sorted(types)];
    }),
  );
}

describe('the routing contract (infra/modules/order-fanout/routing.json)', () => {
  let queues: Queues = {};
  beforeAll(async () => {
    queues = await terraformQueues();
  });
  const eventTypesOf = (consumer: string): string[] =>
    sorted(Object.values(queues).find((queue) => queue.consumer === consumer)?.event_types ?? []);

  it('is what Terraform subscribes each queue with: a filter policy of exactly its event types', async () => {
    const fanout = v.parse(
      v.object({ module: v.object({ messaging: HclBlockSchema }) }),
      await hclFile(orderFanout, 'main.tf'),
    );
    // Every queue of local.queues goes to the messaging module with its event_types as they are.
    const handedOn = squash(fanout.module.messaging[0]?.queues);
    expect(handedOn).toMatch(/^\$\{\{ for q, v in local\.queues : q => \{/);
    expect(handedOn).toMatch(/[{ ]event_types = v\.event_types (\w+ =|\})/);

    const subscriptions = v.parse(
      v.object({ resource: v.object({ aws_sns_topic_subscription: v.object({ this: HclBlockSchema }) }) }),
      await hclFile(messaging, 'main.tf'),
    ).resource.aws_sns_topic_subscription.this;
    expect(subscriptions).toHaveLength(1);
    // One subscription per queue, filtering on the eventType attribute for exactly its event types.
    expect(squash(subscriptions[0]?.for_each)).toBe(interpolation('var.queues'));
    expect(squash(subscriptions[0]?.filter_policy)).toBe(
      interpolation('jsonencode({ eventType = sort(each.value.event_types) })'),
    );
    expect(subscriptions[0]?.filter_policy_scope).toBe('MessageAttributes');
  });

  it('has one consumer per queue, each a function whose handler dispatches with its dispatch map', () => {
    const consumers = Object.values(queues).map((queue) => queue.consumer);
    expect(sorted(consumers)).toEqual(sorted(Object.keys(DISPATCH_MAPS)));
    for (const consumer of consumers) {
      const handler = join(root, 'functions', consumer, 'handler.ts');
      expect(existsSync(handler)).toBe(true);
      const wiring = /dispatch\(\s*'([\w-]+)',\s*(\w+)/.exec(readFileSync(handler, 'utf8'));
      expect({ consumer, service: wiring?.[1], map: wiring?.[2] }).toEqual({
        consumer,
        service: consumer,
        map: DISPATCH_MAPS[consumer]?.name,
      });
    }
  });

  describe.each(Object.keys(DISPATCH_MAPS))('%s', (consumer) => {
    it("dispatch map: a handler for exactly the event types of the consumer's queue", () => {
      expect(sorted(Object.keys(DISPATCH_MAPS[consumer]?.handlers ?? {}))).toEqual(eventTypesOf(consumer));
    });

    it("README's routing table: the consumer's row lists exactly those event types", () => {
      expect(readmeRouting([consumer]).get(consumer)).toEqual(eventTypesOf(consumer));
    });
  });
});
