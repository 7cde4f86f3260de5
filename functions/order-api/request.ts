// The body of POST /orders: a strict schema (unknown fields refused), the customer read from the
// token's claims (never from the body), and the canonical form whose SHA-256 tells a retry (same
// key, same customer, same body) from a different request (same key, other customer or body).
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { Email, NonEmpty } from '../shared/events.js';
import type { FieldProblem } from './errors.js';

export const MAX_BODY_BYTES = 32 * 1024;
const MAX_ITEMS = 50;
const DEFAULT_PAYMENT_TOKEN = 'tok_visa';

/**
 * The message of a schema's own type check: a field that is absent "is required"; one that is
 * present with the wrong type is told what it must be (a quantity of "3" is there, just not a
 * number). An object's message is also what valibot says of a field missing from it: "is required".
 */
const typed =
  (wrongType: string) =>
  (issue: v.BaseIssue<unknown>): string =>
    issue.input === undefined ? 'is required' : wrongType;

const UNKNOWN_FIELD = 'is not a known field';
/** Keys valibot's objects skip without a word (they guard against prototype pollution). */
const SKIPPED_KEYS = ['__proto__', 'constructor', 'prototype'];

type PathItem = v.ObjectPathItem;
const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === 'object' && input !== null && !Array.isArray(input);
const keyPath = (input: Record<string, unknown>, key: string): [PathItem] => [
  { type: 'object', origin: 'key', input, key, value: input[key] },
];

/**
 * An object that refuses fields it does not know and names every one (valibot's strictObject stops
 * at the first: a client sending customerId and email is told of both), and refuses an array
 * (valibot's objects take one for an object with keys "0", "1", …).
 */
function closedObject<const Entries extends v.ObjectEntries>(entries: Entries, wrongType: string) {
  const known = v.looseObject(entries, typed(wrongType));
  /** An issue of its own for each key `keys` picks out of the object. */
  const refuseKeys =
    <T>(keys: (object: Record<string, unknown>) => string[]) =>
    ({ dataset, addIssue }: v.RawCheckContext<T>): void => {
      const object = dataset.value;
      if (!isRecord(object)) return;
      for (const key of keys(object)) addIssue({ message: UNKNOWN_FIELD, path: keyPath(object, key) });
    };
  return v.pipe(
    v.custom<Record<string, unknown>>(isRecord, typed(wrongType)),
    // Named before the fields are read, since valibot's objects skip them: refused, never ignored
    // (alone: a failed check stops the pipe before the fields, so no other problem is listed).
    v.rawCheck<Record<string, unknown>>(
      refuseKeys((object) => SKIPPED_KEYS.filter((key) => Object.hasOwn(object, key))),
    ),
    known,
    // Even when a field failed (the object then holds what could be read, unknown keys included).
    v.rawCheck<v.InferOutput<typeof known>>(
      refuseKeys((object) => Object.keys(object).filter((key) => !Object.hasOwn(entries, key))),
    ),
  );
}

const QUANTITY = 'must be a whole number from 1 to 1000';

const Identifier = v.pipe(
  v.string(typed('must be a string')),
  v.minLength(1, 'must not be empty'),
  v.maxLength(64, 'must be at most 64 characters'),
  v.regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"'),
);

const ItemSchema = closedObject(
  {
    productId: Identifier,
    // A whole number is the type (as zod's int() was: a fraction fails like a string, and is told
    // once); the range is a check on it.
    quantity: v.pipe(
      v.custom<number>((n) => Number.isInteger(n), typed(QUANTITY)),
      v.minValue(1, QUANTITY),
      v.maxValue(1000, QUANTITY),
    ),
  },
  'must be an object with productId and quantity',
);

/** The body of POST /orders, as order-api reads it. */
export interface PlaceOrderRequest {
  items: { productId: string; quantity: number }[];
  paymentToken: string;
}

export const PlaceOrderRequestSchema: v.GenericSchema<unknown, PlaceOrderRequest> = v.pipe(
  closedObject(
    {
      items: v.pipe(
        v.array(ItemSchema, typed('must be a list of items')),
        v.minLength(1, 'must list at least one item'),
        v.maxLength(MAX_ITEMS, `must list at most ${MAX_ITEMS} items`),
      ),
      paymentToken: v.optional(
        v.pipe(
          v.string(typed('must be a string')),
          v.regex(/^tok_[A-Za-z0-9_]{1,64}$/, 'must look like tok_<letters, digits or _>'),
        ),
        DEFAULT_PAYMENT_TOKEN,
      ),
    },
    'must be a JSON object',
  ),
  // Each product listed once: the second line naming a product is the offending field. Only when
  // every value has its type (as zod's refinements ran): a failed check leaves a value typed.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const request = dataset.value;
    const seen = new Set<string>();
    request.items.forEach((item, index) => {
      if (seen.has(item.productId)) {
        addIssue({
          message: `duplicate product ${item.productId}: list each product once`,
          path: [
            { type: 'object', origin: 'value', input: request, key: 'items', value: request.items },
            { type: 'array', origin: 'value', input: request.items, key: index, value: item },
            { type: 'object', origin: 'value', input: item, key: 'productId', value: item.productId },
          ],
        });
      }
      seen.add(item.productId);
    });
  }),
);

/** Who places or reads an order: the ID token's sub and email, as API Gateway's authorizer passed them. */
export interface Customer {
  customerId: string;
  email: string;
}

/** requestContext.authorizer.claims of a Cognito ID token (API Gateway passes every value as a string). */
export const CustomerClaimsSchema = v.object({
  sub: NonEmpty,
  email: v.pipe(Email, v.maxLength(254)),
  email_verified: v.optional(v.string()),
});

/** Fields a client may still send from before sign-in: what to tell it instead of "not a known field". */
const FROM_THE_TOKEN = new Map([
  ['customerId', "is not taken from the body: the customer is the ID token's sub"],
  ['email', "is not taken from the body: the email is the ID token's email"],
]);

/** A path segment as a client can read it: a blank key (an unknown field named " ") is quoted. */
const segment = (key: unknown): string => (String(key).trim() === '' ? JSON.stringify(String(key)) : String(key));
const pointer = (path: readonly unknown[]): string => (path.length === 0 ? 'body' : path.map(segment).join('/'));

/** The schema's issues as the problem list a client reads: one entry per offending field. */
export function toFieldProblems(issues: readonly v.BaseIssue<unknown>[]): FieldProblem[] {
  return issues.map((issue): FieldProblem => {
    const path = (issue.path ?? []).map((item) => item.key);
    const [top] = path;
    const message =
      issue.message === UNKNOWN_FIELD && path.length === 1
        ? (FROM_THE_TOKEN.get(String(top)) ?? UNKNOWN_FIELD)
        : issue.message;
    return { field: pointer(path), message };
  });
}

/** The customer's request in a fixed key order, defaults applied: equal requests give equal text. */
function canonicalBody(request: PlaceOrderRequest, customer: Customer): string {
  return JSON.stringify({
    customerId: customer.customerId,
    email: customer.email,
    items: request.items.map((item) => ({ productId: item.productId, quantity: item.quantity })),
    paymentToken: request.paymentToken,
  });
}

export const requestHash = (request: PlaceOrderRequest, customer: Customer): string =>
  createHash('sha256').update(canonicalBody(request, customer)).digest('hex');

/** 1..255 printable ASCII characters (space to tilde). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/** An order id is the random UUID order-api made; anything else cannot name an order. */
export const ORDER_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
