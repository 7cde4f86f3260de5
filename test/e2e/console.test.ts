// The live console at /_console (local/runtime/console/), in a real browser: Chromium (CHROMIUM=<binary>),
// headless, driven by playwright-core. An order goes PLACED → CONFIRMED with its events across
// services; a poison message raises the DLQ's count and the Redrive button (local/ops/dlq/redrive.ts)
// puts it back on its queue. The screenshot is written to test/e2e/artifacts/console.png (gitignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { receiveAll } from '../../local/ops/dlq/messages.js';
import { chromiumPath } from '../../tools/prereqs.mjs';
import { eventually, pollsRestarted, stack } from './support/stack.js';
import { orderRequest, placeOrder, sns, sqs, stockProduct, uniqueId } from './support/orders.js';

const SCREENSHOT = join(import.meta.dirname, 'artifacts', 'console.png');
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

it('an order goes PLACED → CONFIRMED, with its events across services in time order and its emails', async () => {
  const productId = await stockProduct(5);
  const placed = await placeOrder(orderRequest([{ productId, quantity: 1 }]));
  const row = page.locator(`tr[data-order="${placed.orderId}"]`);
  await row.waitFor({ timeout: 30_000 });
  await page.locator(`tr[data-order="${placed.orderId}"][data-status="CONFIRMED"]`).waitFor({ timeout: 60_000 });
  await expectText(row.locator('.trail'), /^PLACED → CONFIRMED \+[\d.]+ m?s$/);

  // Its timeline, once order-status has applied the confirmation email's NotificationSent.
  await row.click();
  await page
    .locator('#timeline li[data-fn="order-status"]', { hasText: 'event applied' })
    .nth(3)
    .waitFor({ timeout: 30_000 });
  const entries = await page.locator('#timeline li').evaluateAll((items) =>
    items.map((li) => ({
      fn: li.getAttribute('data-fn'),
      time: li.querySelector('time')?.textContent ?? '',
      message: li.querySelector('.message')?.textContent ?? '',
    })),
  );
  expect(entries[0]).toMatchObject({ fn: 'order-api', message: 'request' });
  expect(entries.map((e) => e.time)).toEqual([...entries.map((e) => e.time)].sort());
  expect(new Set(entries.map((e) => e.fn))).toEqual(
    new Set(['order-api', 'order-publisher', 'inventory', 'billing', 'notification', 'order-status']),
  );
  const at = (fn: string, message: string): number =>
    entries.findIndex((e) => e.fn === fn && e.message.startsWith(message));
  expect(at('order-status', 'order CONFIRMED')).toBeGreaterThan(
    Math.max(at('inventory', 'stock reserved'), at('billing', 'payment decided')),
  );

  // The emails SES accepted for it.
  await page
    .locator('#emails li', { hasText: `Your order ${placed.orderId} is confirmed` })
    .waitFor({ timeout: 30_000 });
  await page.locator('#emails li', { hasText: `We received your order ${placed.orderId}` }).waitFor();
  // Every queue with its counts, and the DLQ on its own.
  for (const name of ['inventory-queue', 'billing-queue', 'notification-queue', 'order-status-queue'])
    await page.locator(`#queues tr[data-queue="${name}"]`).waitFor();
});

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
  mkdirSync(join(import.meta.dirname, 'artifacts'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

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
