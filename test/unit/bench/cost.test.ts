import {
  billedMs,
  biggestItems,
  chunks,
  costPerMillionOrders,
  gbSeconds,
  itemBytes,
  loadPrices,
  requestUnits,
  type CostMix,
  type DynamoCall,
} from '../../../bench/cost.js';

const prices = loadPrices();

/** A fixed call mix per order, small enough to price by hand (see the expected dollars below). */
const mix: CostMix = {
  lambda: {
    'order-api': { invocations: 1, billedMs: 120, memoryMB: 256 },
    inventory: { invocations: 0.5, billedMs: 40, memoryMB: 512 },
  },
  apiRequests: 1,
  snsPublishes: [
    { what: 'events', count: 2, payloadBytes: 1000 },
    { what: 'a big one', count: 1, payloadBytes: 65_537 },
  ],
  snsSqsDeliveries: 4,
  sqsRequests: [
    { what: 'receives', count: 3, payloadBytes: 2000 },
    { what: 'deletes', count: 2, payloadBytes: 200 },
  ],
  dynamodb: [
    {
      table: 'orders',
      what: 'transactional put',
      calls: 1,
      kind: 'write',
      items: 1,
      itemBytes: 1024,
      consistency: 'transactional',
    },
    { table: 'orders', what: 'update', calls: 2, kind: 'write', items: 1, itemBytes: 1025, consistency: 'strong' },
    { table: 'orders', what: 'query', calls: 4, kind: 'read', items: 1, itemBytes: 4096, consistency: 'strong' },
    { table: 'orders', what: 'get', calls: 1, kind: 'read', items: 1, itemBytes: 4097, consistency: 'eventual' },
    {
      table: 'inventory',
      what: 'batch get',
      calls: 1,
      kind: 'read',
      items: 3,
      itemBytes: 100,
      consistency: 'eventual',
    },
    {
      table: 'inventory',
      what: 'transactional get',
      calls: 1,
      kind: 'read',
      items: 1,
      itemBytes: 5000,
      consistency: 'transactional',
    },
  ],
  streamReads: { lambda: 3, other: 0 },
  emails: 2,
  logBytes: 2048,
};

describe('costPerMillionOrders on a fixed call mix', () => {
  const result = costPerMillionOrders(mix, prices);
  const dollars = Object.fromEntries(result.items.map((i) => [i.name, i.dollars]));

  it('reads the prices file: us-east-1, its date, the November 2024 DynamoDB prices', () => {
    expect(prices.region).toBe('us-east-1');
    expect(prices.date).toBe('2026-12');
    expect(prices.prices.dynamodbWriteRequestUnits).toMatchObject({ usd: 0.625, per: 1_000_000 });
    expect(prices.prices.dynamodbReadRequestUnits).toMatchObject({ usd: 0.125, per: 1_000_000 });
  });

  it.each([
    // 1.5 invocations × 1M = 1.5M requests × $0.20/M
    ['Lambda requests', 0.3],
    // 120 ms × 0.25 GB = 0.03 GB-s × 1M = 30,000 GB-s × $0.0000166667
    ['Lambda GB-seconds: order-api', 0.500001],
    // 40 ms × 0.5 GB = 0.02 GB-s × 1M = 20,000 GB-s × $0.0000166667
    ['Lambda GB-seconds: inventory', 0.333334],
    // 1M requests × $3.50/M
    ['API Gateway REST requests', 3.5],
    // 2 × 1 chunk + 1 × 2 chunks (65,537 B > 64 KB) = 4M publishes × $0.50/M
    ['SNS publishes', 2],
    ['SNS → SQS deliveries', 0],
    // 3 receives of one chunk each = 3M × $0.40/M
    ['SQS requests: receives', 1.2],
    // 2 deletes of one chunk each = 2M × $0.40/M
    ['SQS requests: deletes', 0.8],
    // transactional 1 KB: 1 × 2 = 2 WRU; 2 updates of 1,025 B: 2 KB each = 4 WRU; 6M × $0.625/M
    ['DynamoDB writes: orders', 3.75],
    // 4 strong reads of exactly 4 KB: 4 RRU; one eventual of 4,097 B: 2 × 0.5 = 1 RRU; 5M × $0.125/M
    ['DynamoDB reads: orders', 0.625],
    // batch of 3 eventual items: 3 × 0.5 = 1.5 RRU; transactional 5,000 B: 2 × 2 = 4 RRU; 5.5M × $0.125/M
    ['DynamoDB reads: inventory', 0.6875],
    // Lambda's own stream polling is free
    ['DynamoDB Streams reads by Lambda', 0],
    // 2M emails × $0.10 per 1,000
    ['SES emails', 200],
    // 2,048 B × 1M = 2,048,000,000 B = 1.9073486 GB × $0.50
    ['CloudWatch Logs ingestion', 0.95367431640625],
  ])('%s: $%d', (name, expected) => {
    expect(dollars[name]).toBeCloseTo(expected, 9);
  });

  it('totals the items ($214.649509316…) and sorts them by cost, the biggest first', () => {
    expect(result.total).toBeCloseTo(
      0.3 + 0.500001 + 0.333334 + 3.5 + 2 + 1.2 + 0.8 + 3.75 + 0.625 + 0.6875 + 200 + 0.95367431640625,
      9,
    );
    expect(result.items.map((i) => i.name)).toEqual([
      'SES emails',
      'DynamoDB writes: orders',
      'API Gateway REST requests',
      'SNS publishes',
      'SQS requests: receives',
      'CloudWatch Logs ingestion',
      'SQS requests: deletes',
      'DynamoDB reads: inventory',
      'DynamoDB reads: orders',
      'Lambda GB-seconds: order-api',
      'Lambda GB-seconds: inventory',
      'Lambda requests',
      'DynamoDB Streams reads by Lambda',
      'SNS → SQS deliveries',
    ]);
    expect(result.items.find((i) => i.name === 'SQS requests: receives')?.quantity).toBe(3_000_000);
    expect(result.items.find((i) => i.name === 'DynamoDB reads: inventory')?.quantity).toBe(5_500_000);
  });

  it('prices other readers of the stream at $0.02 per 100,000 GetRecords', () => {
    const withReader = costPerMillionOrders({ ...mix, streamReads: { lambda: 3, other: 2 } }, prices);
    // 2M requests / 100,000 × $0.02
    expect(withReader.items.find((i) => i.name === 'DynamoDB Streams reads (other readers)')?.dollars).toBeCloseTo(
      0.4,
      9,
    );
  });

  it('names the biggest items that cost anything', () => {
    expect(biggestItems(result).map((i) => i.name)).toEqual([
      'SES emails',
      'DynamoDB writes: orders',
      'API Gateway REST requests',
    ]);
    expect(biggestItems(result, 1).map((i) => i.name)).toEqual(['SES emails']);
    expect(biggestItems(result, 20)).toHaveLength(12); // the two free items are never named
  });
});

describe('DynamoDB request units by item size', () => {
  const call = (
    kind: DynamoCall['kind'],
    itemBytes: number,
    consistency: DynamoCall['consistency'],
    items = 1,
  ): Parameters<typeof requestUnits>[0] => ({ kind, itemBytes, consistency, items });
  it.each([
    ['write', 1, 'strong', 1],
    ['write', 1024, 'strong', 1],
    ['write', 1025, 'strong', 2],
    ['write', 3000, 'strong', 3],
    ['write', 1024, 'transactional', 2],
    ['write', 1025, 'transactional', 4],
    ['read', 1, 'strong', 1],
    ['read', 4096, 'strong', 1],
    ['read', 4097, 'strong', 2],
    ['read', 4096, 'eventual', 0.5],
    ['read', 4097, 'eventual', 1],
    ['read', 4096, 'transactional', 2],
    ['read', 8193, 'transactional', 6],
  ] as const)('%s of %d B, %s: %d units', (kind, bytes, consistency, units) => {
    expect(requestUnits(call(kind, bytes, consistency))).toBe(units);
  });

  it('counts a batch or a transaction per item', () => {
    // 3 items of 1.5 KB in a transaction: 2 KB × 2 each = 4, × 3 = 12
    expect(requestUnits(call('write', 1536, 'transactional', 3))).toBe(12);
    // BatchGet of 10 small items, eventually consistent: 10 × 0.5
    expect(requestUnits(call('read', 200, 'eventual', 10))).toBe(5);
  });
});

describe('SNS and SQS 64 KB chunks', () => {
  it.each([
    [0, 1],
    [1, 1],
    [65_536, 1],
    [65_537, 2],
    [262_144, 4],
  ])('%d B: %d billed requests', (bytes, expected) => {
    expect(chunks(bytes)).toBe(expected);
  });
});

describe('Lambda GB-seconds', () => {
  it('bills each invocation rounded up to the millisecond', () => {
    expect([0.2, 1, 1.01, 99.5].map(billedMs)).toEqual([1, 1, 2, 100]);
  });

  it('multiplies billed seconds by memory in GB (1 GB = 1024 MB)', () => {
    // 4 ms at 128 MB: 0.004 s × 0.125 GB
    expect(gbSeconds(4, 128)).toBeCloseTo(0.0005, 12);
    // 1 s at 1,769 MB (one vCPU): 1.7275390625 GB-s
    expect(gbSeconds(1000, 1769)).toBeCloseTo(1.7275390625, 12);
  });
});

describe('item sizes by DynamoDB rules', () => {
  it.each([
    // name 2 + value 5
    [{ id: 'abcde' }, 7],
    // name 1 + number of 4 significant digits: 1 + 2
    [{ n: 1000 }, 4],
    // name 1 + 1 + ceil(3 / 2)
    [{ n: 1.25 }, 4],
    // name 1 + boolean 1
    [{ b: true }, 2],
    // name 5 + list 3 + (1 + 1) × 2
    [{ items: ['a', 'b'] }, 12],
    // name 1 + map 3 + (1 + name 1 + 1) per element
    [{ m: { a: 'x' } }, 7],
    // name 3 + set members 2 + 2
    [{ ids: new Set(['ab', 'cd']) }, 7],
    // undefined attributes are not stored; UTF-8 counts bytes: 'é' is 2
    [{ a: undefined, é: 'é' }, 4],
  ])('%o: %d B', (item, bytes) => {
    expect(itemBytes(item)).toBe(bytes);
  });
});
