// The live console at /_console (local/console/), in a real browser: Chromium (CHROMIUM=<binary>),
// headless, driven by playwright-core. An order goes PLACED → CONFIRMED: the topology shows its events
// on the paths (filter policy, queue, function, tables) that delivered them, and its waterfall of
// invocations shows the fan-out; its OrderPlaced's payload, published again, reaches every consumer
// and doubles nothing; a poison message raises the DLQ's count and the Redrive button
// (local/ops/dlq/redrive.ts) puts it back on its queue. Screenshots go to test/e2e/artifacts/
// (gitignored): console-order.png, console-publish-again.png (and -result.png), console-dlq.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { receiveAll } from '../../local/ops/dlq/messages.js';
import { chromiumPath } from '../../tools/prereqs.mjs';
import { eventually, pollsRestarted, stack } from './support/stack.js';
import {
  billingOf,
  emailsSentFor,
  orderRequest,
  placeOrder,
  sns,
  sqs,
  stockOf,
  stockProduct,
  uniqueId,
} from './support/orders.js';

const ARTIFACTS = join(import.meta.dirname, 'artifacts');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** order-status-queue's visibility timeout during this file, so that a poison message reaches the DLQ in seconds. */
const SHORT_VISIBILITY = 2;

let userDataDir: string;
let browser: BrowserContext;
let page: Page;
let restoreVisibility: () => Promise<void> = async () => {};
const queueUrl = (name: string): string => stack().outputs.queue_urls[name] ?? '';
/** A queue's and a function's deployed names, from the Terraform outputs (a stack may prefix them). */
const queue = (key: string): string => queueUrl(key).split('/').pop() ?? key;
const fnName = (logical: string): string =>
  stack().outputs.function_names.find((name) => name === logical || name.endsWith(`-${logical}`)) ?? logical;

beforeAll(async () => {
  // Shorten order-status-queue's visibility (passing its Policy along: moto clears it otherwise).
  const url = queueUrl('order-status-queue');
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'Policy'] }),
  );
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: url,
      Attributes: { ...Attributes, VisibilityTimeout: String(SHORT_VISIBILITY) },
    }),
  );
  restoreVisibility = async () => void (await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes })));
  // A message caught by a long poll that began before the change would keep the old timeout.
  const restarted = pollsRestarted();

  userDataDir = mkdtempSync(join(tmpdir(), 'order-fanout-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    // CHROMIUM when set, else chromium from PATH (make test has checked it is there).
    executablePath: chromiumPath() ?? 'chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(stack().consoleUrl);
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 20_000 });
  await restarted;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(userDataDir, { recursive: true, force: true });
  await restoreVisibility();
});

/** The waterfall's rows as the page shows them: which function, which event, when, and where its bar is drawn. */
async function waterfall(): Promise<{ fn: string; event: string; start: string; end: string; x: number }[]> {
  return page.locator('#waterfall .wf-row').evaluateAll((rows) =>
    rows.map((row) => ({
      fn: row.getAttribute('data-fn') ?? '',
      event: row.getAttribute('data-event') ?? '',
      start: row.getAttribute('data-start') ?? '',
      end: row.getAttribute('data-end') ?? '',
      x: row.querySelector('.bar')?.getBoundingClientRect().left ?? Number.NaN,
    })),
  );
}

let confirmed: { orderId: string; productId: string };

it('an order goes PLACED → CONFIRMED: the topology shows its events on the paths that delivered them, its waterfall the fan-out', async () => {
  const productId = await stockProduct(5);
  const placed = await placeOrder(orderRequest([{ productId, quantity: 1 }]));
  confirmed = { orderId: placed.orderId, productId };
  const row = page.locator(`tr[data-order="${placed.orderId}"]`);
  await row.waitFor({ timeout: 30_000 });
  await page.locator(`tr[data-order="${placed.orderId}"][data-status="CONFIRMED"]`).waitFor({ timeout: 60_000 });
  await expectText(row.locator('.trail'), /^PLACED → CONFIRMED \+[\d.]+ m?s$/);
  await row.click();

  // The waterfall, once notification has handled the OrderConfirmed that order-status published.
  await page
    .locator(`#waterfall .wf-row[data-fn="${fnName('notification')}"][data-event="OrderConfirmed"]`)
    .waitFor({ timeout: 30_000 });
  const rows = await waterfall();
  expect(rows.map((r) => r.start)).toEqual([...rows.map((r) => r.start)].sort());
  const first = (logical: string, event: string) => {
    const fn = fnName(logical);
    const found = rows.find((r) => r.fn === fn && r.event === event);
    if (found === undefined) throw new Error(`no ${fn} ${event} bar in ${JSON.stringify(rows)}`);
    return found;
  };
  const publisher = first('order-publisher', '');
  const fanOut = ['inventory', 'billing', 'notification'].map((fn) => first(fn, 'OrderPlaced'));
  const announced = first('notification', 'OrderConfirmed');
  // Causes before effects, in the data and on the page: the outbox's read, then the three consumers of
  // OrderPlaced (each on its own queue), and the confirmation only after inventory and billing had started
  // on it (each publishes its result while it runs: the order of their ends is not theirs to keep).
  for (const bar of fanOut) {
    expect(bar.start >= publisher.start).toBe(true);
    expect(bar.x).toBeGreaterThanOrEqual(publisher.x);
  }
  for (const bar of fanOut.slice(0, 2)) {
    expect(announced.start >= bar.start).toBe(true);
    expect(announced.x).toBeGreaterThanOrEqual(bar.x);
  }
  expect(first('order-status', 'InventoryReserved').start >= first('inventory', 'OrderPlaced').start).toBe(true);

  // The topology: the topic, each subscription's filter policy, queue, function and tables, and this
  // order's events on the paths that delivered them.
  const topic = stack().outputs.topic_arn.split(':').pop() ?? '';
  await expectText(page.locator('#topic-box'), new RegExp(topic));
  const lane = (name: string) => page.locator(`#lanes tr[data-lane="${name}"]`);
  const policy = async (name: string) => (await lane(name).locator('td.policy .type').allTextContents()).sort();
  expect(await policy(queue('inventory-queue'))).toContain('OrderPlaced');
  expect(await policy(queue('inventory-queue'))).not.toContain('OrderConfirmed');
  expect(await policy(queue('notification-queue'))).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderConfirmed']));
  for (const [name, fn, table] of [
    [queue('inventory-queue'), fnName('inventory'), stack().outputs.table_names.inventory],
    [queue('billing-queue'), fnName('billing'), stack().outputs.table_names.billing],
    [queue('notification-queue'), fnName('notification'), stack().outputs.table_names.notifications],
    [queue('order-status-queue'), fnName('order-status'), stack().outputs.table_names.orders],
  ] as const) {
    await expectText(lane(name).locator('.fn'), new RegExp(`^${fn}$`));
    expect(await lane(name).locator('.table').allTextContents()).toContain(table);
    await lane(name).locator('td.n.visible').waitFor();
    await lane(name).locator('td.n.in-flight').waitFor();
  }
  await lane(queue('inventory-queue')).locator('.delivered .chip[data-event="OrderPlaced"]').waitFor();
  await lane(queue('billing-queue')).locator('.delivered .chip[data-event="OrderPlaced"]').waitFor();
  await lane(queue('order-status-queue')).locator('.delivered .chip[data-event="InventoryReserved"]').waitFor();
  await lane(queue('order-status-queue')).locator('.delivered .chip[data-event="PaymentCaptured"]').waitFor();
  expect(await lane(queue('inventory-queue')).locator('.delivered .chip[data-event="PaymentCaptured"]').count()).toBe(
    0,
  );

  // The emails SES accepted for it.
  await page
    .locator('#emails li', { hasText: `Your order ${placed.orderId} is confirmed` })
    .waitFor({ timeout: 30_000 });
  await page.locator('#emails li', { hasText: `We received your order ${placed.orderId}` }).waitFor();
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'console-order.png'), fullPage: true, animations: 'disabled' });
}, 120_000);

it("an event's payload, and Publish again: every consumer receives the duplicate and nothing doubles", async () => {
  const { orderId, productId } = confirmed;
  const eventId = `${orderId}:OrderPlaced`;
  await page.locator(`#events li[data-event-id="${eventId}"]`).click();
  await expectText(page.locator('#payload-title'), new RegExp(`^OrderPlaced · ${eventId}$`));
  const payload = JSON.parse((await page.locator('#payload').textContent()) ?? '') as Record<string, unknown>;
  expect(payload).toMatchObject({
    id: eventId,
    type: 'OrderPlaced',
    orderId,
    data: { items: [{ productId, quantity: 1 }] },
  });

  const before = {
    stock: await stockOf(productId),
    billing: await billingOf(orderId),
    emails: await emailsSentFor([orderId]),
  };
  expect(before.stock).toBe(4);
  await page.locator('#publish-again').click();
  const verdict = page.locator('#republish-result .verdict');
  await verdict.waitFor({ timeout: 60_000 });
  expect(await verdict.getAttribute('class')).toContain('ok');
  // Each consumer whose filter policy admits OrderPlaced processed the duplicate…
  expect(
    await page
      .locator('#republish-result .deliveries-again li')
      .evaluateAll((items) =>
        items.map((li) => `${li.getAttribute('data-queue')}:${li.getAttribute('data-outcome')}`).sort(),
      ),
  ).toEqual(['billing-queue', 'inventory-queue', 'notification-queue'].map((key) => `${queue(key)}:processed`).sort());
  // …the waterfall shows the second invocation of each…
  for (const fn of ['inventory', 'billing', 'notification'])
    await eventually(
      async () =>
        (await page.locator(`#waterfall .wf-row[data-fn="${fnName(fn)}"][data-event="OrderPlaced"]`).count()) === 2
          ? true
          : undefined,
      { timeoutMs: 10_000, what: `a second ${fn} OrderPlaced bar` },
    );
  // …and no table's records of the order, nor its emails, changed: on the page and in the tables themselves.
  const footprint = await page
    .locator('#republish-result .footprint tbody tr')
    .evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-table'), row.getAttribute('data-same')]));
  expect(footprint.length).toBeGreaterThanOrEqual(5);
  expect(footprint.filter(([, same]) => same !== 'true')).toEqual([]);
  expect(await stockOf(productId)).toBe(before.stock);
  expect(await billingOf(orderId)).toEqual(before.billing);
  expect(await emailsSentFor([orderId])).toBe(before.emails);
  await page.locator('#republish-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'console-publish-again.png'), fullPage: true, animations: 'disabled' });
  await page
    .locator('#payload-panel')
    .screenshot({ path: join(ARTIFACTS, 'console-publish-again-result.png'), animations: 'disabled' });
}, 120_000);

it('a poison message raises the DLQ count; the Redrive button puts it back on its queue', async () => {
  const depth = async (): Promise<number> => Number(await page.locator('#dlq-depth').textContent());
  const before = await depth();

  // A PaymentCaptured with a negative amount: only order-status-queue receives it, and it fails its schema every time.
  const orderId = uniqueId('o-poison');
  const body = {
    version: 1,
    id: `${orderId}:PaymentCaptured`,
    type: 'PaymentCaptured',
    time: new Date().toISOString(),
    orderId,
    data: { billingId: orderId, amount: -5, currency: 'JPY' },
  };
  await sns.send(
    new PublishCommand({
      TopicArn: stack().outputs.topic_arn,
      Message: JSON.stringify(body),
      MessageAttributes: { eventType: { DataType: 'String', StringValue: 'PaymentCaptured' } },
    }),
  );
  await eventually(async () => ((await depth()) > before ? true : undefined), {
    timeoutMs: 60_000,
    what: 'the DLQ count to rise on the page',
  });
  expect(await page.locator('.dlq').getAttribute('class')).toContain('alarm');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'console-dlq.png'), fullPage: true, animations: 'disabled' });

  await page.locator('#redrive').click();
  await expectText(page.locator('#redrive-result'), /^moved \d+ back to .*order-status-queue/);
  await eventually(async () => ((await depth()) <= before ? true : undefined), {
    timeoutMs: 30_000,
    what: 'the DLQ count to fall after the redrive',
  });

  // Still poison: it fails again and returns to the DLQ, where this test removes it.
  const dlqUrl = stack().outputs.dlq_url;
  const mine = await eventually(
    async () => {
      const found = (await receiveAll(sqs, dlqUrl, { visibilityTimeout: 5 })).filter((m) => m.Body?.includes(orderId));
      return found.length > 0 ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1000, what: 'the redriven poison message to come back to the DLQ' },
  );
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: dlqUrl,
      Entries: mine.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
}, 180_000);

/** Waits until the element's text matches (the page redraws on every server-sent event). */
async function expectText(locator: ReturnType<Page['locator']>, pattern: RegExp): Promise<void> {
  await eventually(async () => (pattern.test((await locator.textContent()) ?? '') ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: `text ${String(pattern)}`,
  });
}
