// order-api: API Gateway (REST, proxy) → handleRequest. Wiring only: config, clients and adapters are
// built once at module scope; the domain and the HTTP edge live in their own modules.
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { dynamo } from '../shared/clients.js';
import { requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { DynamoOrderStore } from './dynamo-order-store.js';
import { DynamoProductsAndKeys } from './dynamo-products-and-keys.js';
import { parseOrigins, withCors } from './cors.js';
import { handleRequest, type ApiDeps } from './http.js';

const config = {
  ordersTable: requireEnv('ORDERS_TABLE'),
  inventoryTable: requireEnv('INVENTORY_TABLE'),
  idempotencyTable: requireEnv('IDEMPOTENCY_TABLE'),
  // Optional: no origins, no cross-origin browser access.
  corsAllowedOrigins: parseOrigins(process.env.CORS_ALLOWED_ORIGINS),
};

const store = new DynamoOrderStore(dynamo, { orders: config.ordersTable, idempotency: config.idempotencyTable });

/** Wires the HTTP edge behind the middleware every request goes through (tests pass fakes). */
export const createHandler = (deps: ApiDeps, corsAllowedOrigins: readonly string[] = []) =>
  middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpHeaderNormalizer())
    .handler(withCors((event) => handleRequest(event, deps), corsAllowedOrigins));

export const handler = createHandler(
  {
    productsAndKeys: new DynamoProductsAndKeys(dynamo, {
      inventory: config.inventoryTable,
      idempotency: config.idempotencyTable,
    }),
    orders: store,
    idempotency: store,
    now: () => new Date().toISOString(),
    newId: randomUUID,
    log: logger,
  },
  config.corsAllowedOrigins,
);
