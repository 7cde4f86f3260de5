import { describe, expect, it } from '@jest/globals';
import { compileFilters, FilterPatternError } from '../../../../../emulation/runtime/streams/event-filter.js';

const filter = (...patterns: unknown[]) =>
  compileFilters(patterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })));

// A record as Lambda gives it to the function (DynamoDB JSON images).
const insert = {
  eventID: 'e1',
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: { orderId: { S: 'o-1' } },
    NewImage: {
      orderId: { S: 'o-1' },
      status: { S: 'PLACED' },
      totalAmount: { N: '2400' },
      tags: { SS: ['gift', 'express'] },
    },
    SequenceNumber: '100',
    SizeBytes: 120,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-12-01T00:00:00.000',
};
const modify = { ...insert, eventName: 'MODIFY', dynamodb: { ...insert.dynamodb, OldImage: insert.dynamodb.NewImage } };
const numbers = {
  size: 10,
  price: 2.5,
  flag: true,
  nothing: null,
  empty: '',
  ip: '10.0.3.7',
  items: [{ sku: 'a' }, { sku: 'b' }],
};

describe('compileFilters: which records Lambda passes to the function', () => {
  it('passes everything when the mapping has no filters', () => {
    expect(compileFilters(undefined)(insert)).toBe(true);
    expect(compileFilters([])(modify)).toBe(true);
  });

  it("the outbox's pattern: inserts only", () => {
    const inserts = filter({ eventName: ['INSERT'] });
    expect([inserts(insert), inserts(modify)]).toEqual([true, false]);
  });

  it('matches nested keys in DynamoDB JSON, every key of the pattern (AND)', () => {
    const placed = filter({ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PLACED'] } } } });
    expect(placed(insert)).toBe(true);
    expect(placed({ ...insert, dynamodb: { ...insert.dynamodb, NewImage: { status: { S: 'CONFIRMED' } } } })).toBe(
      false,
    );
    expect(placed({ ...insert, dynamodb: { Keys: insert.dynamodb.Keys } })).toBe(false); // KEYS_ONLY: no image
  });

  it('passes a record matching any one of several filters (OR across filters) and any value of a list', () => {
    const f = filter({ eventName: ['REMOVE'] }, { eventName: ['MODIFY', 'INSERT'] });
    expect([f(insert), f(modify), f({ eventName: 'OTHER' })]).toEqual([true, true, false]);
  });

  it('an event list matches when one of its elements does', () => {
    expect(filter({ dynamodb: { NewImage: { tags: { SS: ['express'] } } } })(insert)).toBe(true);
    expect(filter({ dynamodb: { NewImage: { tags: { SS: ['none'] } } } })(insert)).toBe(false);
    expect(filter({ items: { sku: ['b'] } })(numbers)).toBe(true);
  });

  it.each([
    ['prefix', { eventSourceARN: [{ prefix: 'arn:aws:dynamodb:us-east-1:' }] }, insert, true],
    ['prefix, no match', { eventSourceARN: [{ prefix: 'arn:aws:sqs' }] }, insert, false],
    ['prefix ignoring case', { eventName: [{ prefix: { 'equals-ignore-case': 'ins' } }] }, insert, true],
    ['suffix', { eventSourceARN: [{ suffix: '00.000' }] }, insert, true],
    ['equals-ignore-case', { eventName: [{ 'equals-ignore-case': 'insert' }] }, insert, true],
    ['anything-but a value', { eventName: [{ 'anything-but': 'INSERT' }] }, modify, true],
    ['anything-but a value, excluded', { eventName: [{ 'anything-but': 'INSERT' }] }, insert, false],
    ['anything-but a list', { eventName: [{ 'anything-but': ['INSERT', 'REMOVE'] }] }, modify, true],
    ['anything-but a prefix', { eventName: [{ 'anything-but': { prefix: 'MOD' } }] }, modify, false],
    ['anything-but on a missing key', { missing: [{ 'anything-but': 'x' }] }, insert, false],
    ['numeric range', { size: [{ numeric: ['>', 0, '<=', 10] }] }, numbers, true],
    ['numeric range, outside', { size: [{ numeric: ['<', 10] }] }, numbers, false],
    ['numeric equals a decimal', { price: [{ numeric: ['=', 2.5] }] }, numbers, true],
    [
      'numeric on a string number (DynamoDB N)',
      { dynamodb: { NewImage: { totalAmount: { N: [{ numeric: ['>', 0] }] } } } },
      insert,
      false,
    ],
    ['a number literal is not its string', { size: ['10'] }, numbers, false],
    ['a number literal', { size: [10] }, numbers, true],
    ['a boolean', { flag: [true] }, numbers, true],
    ['null matches null', { nothing: [null] }, numbers, true],
    ['null does not match a missing key', { missing: [null] }, numbers, false],
    ['empty string', { empty: [''] }, numbers, true],
    ['exists', { dynamodb: { NewImage: { status: { S: [{ exists: true }] } } } }, insert, true],
    ['exists on a missing key', { dynamodb: { OldImage: { status: { S: [{ exists: true }] } } } }, insert, false],
    ['exists: false on a missing key', { dynamodb: { OldImage: [{ exists: false }] } }, insert, true],
    ['exists: false on a present key', { dynamodb: { Keys: { orderId: { S: [{ exists: false }] } } } }, insert, false],
    ['exists does not name an object', { dynamodb: { NewImage: [{ exists: true }] } }, insert, false],
    ['cidr', { ip: [{ cidr: '10.0.0.0/16' }] }, numbers, true],
    ['cidr, outside', { ip: [{ cidr: '10.1.0.0/16' }] }, numbers, false],
    [
      '$or',
      { $or: [{ eventName: ['REMOVE'] }, { dynamodb: { NewImage: { status: { S: ['PLACED'] } } } }] },
      insert,
      true,
    ],
    ['$or, neither', { $or: [{ eventName: ['REMOVE'] }, { eventName: ['MODIFY'] }] }, insert, false],
  ])('%s', (_name, pattern, record, expected) => {
    expect(filter(pattern)(record)).toBe(expected);
  });

  it.each([
    ['not JSON', '{eventName: INSERT'],
    ['not an object', '["INSERT"]'],
    ['a bare value', '{"eventName": "INSERT"}'],
    ['an empty list', '{"eventName": []}'],
    ['an unknown operator', '{"eventName": [{"regex": ".*"}]}'],
    ['numeric without a number', '{"size": [{"numeric": [">", "1"]}]}'],
    ['numeric with an unknown operator', '{"size": [{"numeric": ["!=", 1]}]}'],
    ['exists with a string', '{"size": [{"exists": "yes"}]}'],
    ['a prefix that is not a string', '{"eventName": [{"prefix": 1}]}'],
    ['a bad cidr', '{"ip": [{"cidr": "10.0.0.0/40"}]}'],
    ['$or with one alternative', '{"$or": [{"eventName": ["INSERT"]}]}'],
  ])('refuses a pattern Lambda refuses: %s', (_name, text) => {
    expect(() => compileFilters([{ Pattern: text }])).toThrow(FilterPatternError);
  });

  it('refuses more than 5 filters', () => {
    expect(() => filter(...Array.from({ length: 6 }, () => ({ eventName: ['INSERT'] })))).toThrow(/at most 5 filters/);
  });
});
