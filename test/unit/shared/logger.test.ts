// The shared logger's lines: the shape Powertools Logger wrote (which make up's narration, the
// bench's log counts and CloudWatch queries read), the level from the environment, the streams.
import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createNarrator } from '../../../local/stack/narrate.js';

process.env.POWERTOOLS_SERVICE_NAME = 'inventory';
process.env.LOG_LEVEL = 'INFO';
process.env._X_AMZN_TRACE_ID = 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1';
const { logger, setLogLevel, withLogKeys } = await import('../../../functions/shared/logger.js');

interface Written {
  stream: 'stdout' | 'stderr';
  line: Record<string, unknown>;
  text: string;
}

/** The lines the logger writes while `work` runs, with the stream each went to. */
async function written(work: () => unknown): Promise<Written[]> {
  const lines: Written[] = [];
  const capture = (stream: Written['stream']) =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const text of String(chunk)
        .split('\n')
        .filter((t) => t !== ''))
        lines.push({ stream, text, line: JSON.parse(text) as Record<string, unknown> });
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines;
}

beforeAll(() => setLogLevel('INFO'));
afterEach(() => setLogLevel('INFO'));

describe('logger', () => {
  it('writes one JSON line: level, message, timestamp, service, trace id, then the scope keys and the attributes', async () => {
    const [entry] = await written(() =>
      withLogKeys({ orderId: 'o-1', eventId: 'o-1:OrderPlaced' }, async () => {
        logger.info('stock reserved', { lines: 2 }, { productIds: new Set(['p-001']) });
      }),
    );
    expect(entry?.stream).toBe('stdout');
    expect(Object.keys(entry?.line ?? {})).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'xray_trace_id',
      'orderId',
      'eventId',
      'lines',
      'productIds',
    ]);
    expect(entry?.line).toEqual({
      level: 'INFO',
      message: 'stock reserved',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'inventory',
      xray_trace_id: '1-67891233-abcdef012345678912345678',
      orderId: 'o-1',
      eventId: 'o-1:OrderPlaced',
      lines: 2,
      productIds: ['p-001'],
    });
  });

  it('writes warnings and errors to stderr, an error as its name, message and stack, a bigint as its digits', async () => {
    const lines = await written(() => {
      logger.warn('retrying', { attempt: 2n });
      logger.error('record failed', { error: new TypeError('no stock for jane@example.com') });
    });
    expect(lines.map((l) => [l.stream, l.line.level])).toEqual([
      ['stderr', 'WARN'],
      ['stderr', 'ERROR'],
    ]);
    expect(lines[0]?.line.attempt).toBe('2');
    expect(lines[1]?.line.error).toEqual({
      name: 'TypeError',
      message: 'no stock for [email]',
      stack: expect.stringContaining('TypeError: no stock for [email]'),
    });
  });

  it('keeps its own keys: an attribute named level, message or service does not overwrite them', async () => {
    const [entry] = await written(() =>
      logger.info('charged', { level: 'DEBUG', message: 'x', service: 'y', status: 'ok' }),
    );
    expect(entry?.line).toMatchObject({ level: 'INFO', message: 'charged', service: 'inventory', status: 'ok' });
  });

  it('nests scopes, and keeps concurrent scopes apart across awaits', async () => {
    const lines = await written(() =>
      Promise.all(
        ['o-1', 'o-2'].map((orderId) =>
          withLogKeys({ orderId }, async () => {
            await Promise.resolve();
            await withLogKeys({ eventId: `${orderId}:e` }, async () => logger.info('applied'));
          }),
        ),
      ),
    );
    expect(lines.map((l) => [l.line.orderId, l.line.eventId])).toEqual([
      ['o-1', 'o-1:e'],
      ['o-2', 'o-2:e'],
    ]);
  });

  it('writes nothing below its level, and nothing at all when SILENT', async () => {
    expect(await written(() => logger.debug('hidden at INFO'))).toEqual([]);
    setLogLevel('DEBUG');
    expect(await written(() => logger.debug('shown'))).toHaveLength(1);
    setLogLevel('SILENT');
    expect(await written(() => logger.error('hidden'))).toEqual([]);
  });

  it('is narrated by make up as a Powertools line: time, level, orderId, message, the other attributes', async () => {
    const [entry] = await written(() =>
      withLogKeys({ orderId: 'o-7', messageId: 'm-1' }, async () =>
        logger.info('payment decided', { status: 'CAPTURED' }),
      ),
    );
    const narrate = createNarrator({ functions: ['billing'], color: false, json: false });
    const line = narrate({
      type: 'output',
      time: '2026-12-01T08:00:09.000Z',
      functionName: 'billing',
      line: entry?.text ?? '',
    });
    expect(line).toMatch(/^billing │ \d\d:\d\d:\d\d\.\d{3} INFO {2}o-7 payment decided status=CAPTURED$/);
  });
});

describe('the level from the environment', () => {
  it.each([
    [{ LOG_LEVEL: 'debug' }, 'DEBUG'],
    [{ POWERTOOLS_LOG_LEVEL: 'ERROR', LOG_LEVEL: 'DEBUG' }, 'ERROR'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'DEBUG' }, 'WARN'],
    [{ LOG_LEVEL: 'LOUD' }, 'INFO'],
    [{}, 'INFO'],
  ])('%j gives %s', async (env, level) => {
    const saved = { ...process.env };
    for (const name of ['AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL']) delete process.env[name];
    Object.assign(process.env, env);
    try {
      jest.resetModules();
      const fresh = await import('../../../functions/shared/logger.js');
      const lines = await written(() => {
        for (const method of ['debug', 'info', 'warn', 'error'] as const) fresh.logger[method](method);
      });
      expect(lines[0]?.line.level).toBe(level);
    } finally {
      process.env = saved;
    }
  });
});
