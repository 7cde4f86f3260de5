import { jest } from '@jest/globals';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { OrderEvent } from '../../../functions/shared/events.js';
import { RetryableError } from '../../../functions/shared/failures.js';
import { logger, setLogLevel, scrub } from '../../../functions/shared/logger.js';
import { dispatch, sqsConsumer } from '../../../functions/shared/sqs-consumer.js';
import { orderConfirmed, orderPlaced, paymentDeclined } from '../../fixtures/events.js';

const placed = (orderId: string) => orderPlaced({ orderId });

const record = (messageId: string, body: string): SQSRecord =>
  ({ messageId, body, attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {} }) as unknown as SQSRecord;

/** The JSON lines the logger writes while `work` runs. */
async function logLines(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  return written
    .flatMap((chunk) => chunk.split('\n').filter((line) => line.trim() !== ''))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const context = {} as Context;

beforeAll(() => setLogLevel('DEBUG'));
afterAll(() => setLogLevel('SILENT'));

describe('sqsConsumer', () => {
  it('reports exactly the failed records, a schema failure included, and processes the others', async () => {
    const seen: string[] = [];
    const handler = sqsConsumer(async (event: OrderEvent) => {
      if (event.orderId === 'o-bad') throw new Error('transient');
      seen.push(event.orderId);
    });
    const event: SQSEvent = {
      Records: [
        record('m-1', JSON.stringify(placed('o-1'))),
        record('m-2', '{not json'),
        record('m-3', JSON.stringify(placed('o-bad'))),
        record('m-4', JSON.stringify({ ...placed('o-4'), type: 'OrderShipped' })),
        record('m-5', JSON.stringify(placed('o-5'))),
      ],
    };
    let response: unknown;
    await logLines(async () => {
      response = await handler(event, context);
    });
    expect(seen).toEqual(['o-1', 'o-5']);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }, { itemIdentifier: 'm-4' }],
    });
  });

  it('puts the orderId and event id on every line logged for a record, and logs a failure once, without the body', async () => {
    const handler = sqsConsumer(async (event: OrderEvent) => {
      logger.info('reserving', { lines: 1 });
      await Promise.resolve();
      if (event.orderId === 'o-2') throw new Error('Throttling for jane@example.com');
      logger.info('reserved');
    });
    const lines = await logLines(() =>
      handler(
        { Records: [record('m-1', JSON.stringify(placed('o-1'))), record('m-2', JSON.stringify(placed('o-2')))] },
        context,
      ),
    );

    expect(lines.length).toBe(4);
    for (const line of lines) {
      expect(line.orderId).toMatch(/^o-[12]$/);
      expect(line.eventId).toBe(`${String(line.orderId)}:OrderPlaced`);
      expect(line.messageId).toBe(line.orderId === 'o-1' ? 'm-1' : 'm-2');
    }
    const failures = lines.filter((line) => line.level === 'ERROR');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ orderId: 'o-2', error: { message: 'Throttling for [email]' } });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('jane@example.com');
    expect(text).not.toContain('tok_visa');
  });

  it('keeps the keys of a record that fails its schema when they can be read', async () => {
    const handler = sqsConsumer(async () => undefined);
    const body = JSON.stringify({ ...placed('o-9'), data: { ...placed('o-9').data, totalAmount: -1 } });
    const lines = await logLines(() => handler({ Records: [record('m-9', body)] }, context));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'ERROR', orderId: 'o-9', eventId: 'o-9:OrderPlaced', messageId: 'm-9' });
    expect(JSON.stringify(lines)).not.toContain('jane@example.com');
  });

  it('says how each failure is classified: a transient one is a warning, a fault an error', async () => {
    const handler = sqsConsumer(async (event: OrderEvent) => {
      if (event.orderId === 'o-1') throw new RetryableError('in flight');
      throw new TypeError('a bug');
    });
    const lines = await logLines(() =>
      handler(
        { Records: [record('m-1', JSON.stringify(placed('o-1'))), record('m-2', JSON.stringify(placed('o-2')))] },
        context,
      ),
    );
    expect(lines).toEqual([
      expect.objectContaining({ level: 'WARN', orderId: 'o-1', failure: 'transient' }),
      expect.objectContaining({ level: 'ERROR', orderId: 'o-2', failure: 'fault' }),
    ]);
  });
});

describe('scrub', () => {
  it('redacts emails and payment tokens wherever they sit, and secret keys whatever their value', () => {
    expect(
      scrub({
        note: 'mail jane@example.com paid with tok_chargeDeclined',
        nested: [{ email: 'anything' }, new Error('to bob@example.org')],
        paymentToken: 'x',
        amount: 1200,
      }),
    ).toEqual({
      note: 'mail [email] paid with [payment-token]',
      nested: [{ email: '[redacted]' }, expect.objectContaining({ name: 'Error', message: 'to [email]' })],
      paymentToken: '[redacted]',
      amount: 1200,
    });
  });
});

describe('dispatch', () => {
  it("hands each event, with the service's dependencies, to the handler of its type, and only to it", async () => {
    const seen: string[] = [];
    const processEvent = dispatch(
      'test-service',
      {
        OrderPlaced: async (event, deps) => void seen.push(`${deps.name}: placed ${event.data.customerId}`),
        PaymentDeclined: async (event, deps) => void seen.push(`${deps.name}: declined ${event.data.reason}`),
      },
      { name: 'deps' },
    );

    await logLines(async () => {
      await processEvent(orderPlaced({ orderId: 'o-1' }));
      await processEvent(paymentDeclined({ orderId: 'o-1', reason: 'card_declined' }));
    });

    expect(seen).toEqual(['deps: placed c-1', 'deps: declined card_declined']);
  });

  it('acknowledges an event the service has no handler for, with one warning naming the service', async () => {
    const handled = jest.fn(async () => undefined);
    const processEvent = dispatch('test-service', { OrderPlaced: handled }, {});

    const lines = await logLines(() => processEvent(orderConfirmed({ orderId: 'o-2' })));

    expect(handled).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'ignoring an event test-service does not handle',
        orderId: 'o-2',
        eventType: 'OrderConfirmed',
      }),
    ]);
  });

  it("lets a handler's failure through, so that the consumer fails that record", async () => {
    expect.assertions(1);
    const processEvent = dispatch(
      'test-service',
      { OrderPlaced: async () => Promise.reject(new RetryableError('try again')) },
      {},
    );
    await expect(processEvent(orderPlaced())).rejects.toBeInstanceOf(RetryableError);
  });
});
