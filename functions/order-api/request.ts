// The body of POST /orders: a strict schema (unknown fields refused), the customer read from the
// token's claims (never from the body), and the canonical form whose SHA-256 tells a retry (same
// key, same customer, same body) from a different request (same key, other customer or body).
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { FieldProblem } from './errors.js';

export const MAX_BODY_BYTES = 32 * 1024;
const MAX_ITEMS = 50;
const DEFAULT_PAYMENT_TOKEN = 'tok_visa';

/**
 * The message of a schema's own type check: a field that is absent "is required"; one that is
 * present with the wrong type is told what it must be (a quantity of "3" is there, just not a number).
 */
const typed = (wrongType: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : wrongType),
});

const QUANTITY = 'must be a whole number from 1 to 1000';

const Identifier = z
  .string(typed('must be a string'))
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"');

const ItemSchema = z.strictObject(
  {
    productId: Identifier,
    quantity: z.number(typed(QUANTITY)).int(QUANTITY).min(1, QUANTITY).max(1000, QUANTITY),
  },
  typed('must be an object with productId and quantity'),
);

export const PlaceOrderRequestSchema = z
  .strictObject(
    {
      items: z
        .array(ItemSchema, typed('must be a list of items'))
        .min(1, 'must list at least one item')
        .max(MAX_ITEMS, `must list at most ${MAX_ITEMS} items`),
      paymentToken: z
        .string(typed('must be a string'))
        .regex(/^tok_[A-Za-z0-9_]{1,64}$/, 'must look like tok_<letters, digits or _>')
        .default(DEFAULT_PAYMENT_TOKEN),
    },
    typed('must be a JSON object'),
  )
  .superRefine((request, ctx) => {
    const seen = new Set<string>();
    request.items.forEach((item, index) => {
      if (seen.has(item.productId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', index, 'productId'],
          message: `duplicate product ${item.productId}: list each product once`,
        });
      }
      seen.add(item.productId);
    });
  });
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequestSchema>;

/** Who places or reads an order: the ID token's sub and email, as API Gateway's authorizer passed them. */
export interface Customer {
  customerId: string;
  email: string;
}

/** requestContext.authorizer.claims of a Cognito ID token (API Gateway passes every value as a string). */
export const CustomerClaimsSchema = z.object({
  sub: z.string().min(1),
  email: z.email().max(254),
  email_verified: z.string().optional(),
});

/** Fields a client may still send from before sign-in: what to tell it instead of "not a known field". */
const FROM_THE_TOKEN = new Map([
  ['customerId', "is not taken from the body: the customer is the ID token's sub"],
  ['email', "is not taken from the body: the email is the ID token's email"],
]);

/** A path segment as a client can read it: a blank key (an unknown field named " ") is quoted. */
const segment = (key: PropertyKey): string => (String(key).trim() === '' ? JSON.stringify(String(key)) : String(key));
const pointer = (path: readonly PropertyKey[]): string => (path.length === 0 ? 'body' : path.map(segment).join('/'));

/** zod issues as the problem list a client reads: one entry per offending field. */
export function toFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: pointer([...issue.path, key]),
        message: (issue.path.length === 0 ? FROM_THE_TOKEN.get(key) : undefined) ?? 'is not a known field',
      }));
    }
    return [{ field: pointer(issue.path), message: issue.message }];
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
