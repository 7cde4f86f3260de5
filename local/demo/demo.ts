// `make demo`: the brief's three scenarios on the running stack (`make up` in another terminal),
// narrated in plain words, in Japanese with DEMO_LANG=ja or a Japanese locale. Exits 1 if any outcome
// differs from the brief. It finds the stack as `make token` and `make status` do, through the
// Terraform state's outputs (the API's id and stage, the tables, the user pool): no name is written
// here twice. It acts as the demo customer through the API (an ID token from local/stack/token.ts),
// and as an operator with the emulator's credentials on the tables: it resets the demo products'
// stock (local/stack/seed/products.json) and reads what each service recorded.
//   npx tsx local/demo/demo.ts [--state FILE]   (AWS_ENDPOINT_URL: the emulator; API_PORT: the runtime's front door)
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { apiUrl } from '../ops/status.js';
import { findState, outputs } from '../state.js';
import { readProducts } from '../stack/seed.js';
import { customerTokens, DEMO_CUSTOMER } from '../stack/token.js';
import { chooseLang, messages, money } from './messages.js';
import { runDemo, type DemoProduct, type DemoStack, type OrderAnswer } from './scenarios.js';

/** The demo's own products in the seed: one for each scenario. */
const DEMO_PRODUCTS = { normal: 'p-demo-sencha', scarce: 'p-demo-teapot', rush: 'p-demo-yuzu' } as const;

const Outputs = z.object({
  api_id: z.string(),
  stage_name: z.string(),
  table_names: z.object({ inventory: z.string(), billing: z.string(), notifications: z.string() }),
  user_pool_id: z.string(),
  user_pool_client_id: z.string(),
});

const Order = z.object({
  orderId: z.string(),
  status: z.enum(['PLACED', 'CONFIRMED', 'CANCELLED']),
  reason: z.string().optional(),
  totalAmount: z.number(),
  currency: z.string(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  services: z.object({ inventory: z.string(), payment: z.string(), notification: z.string() }).optional(),
});

const NOTIFICATION_KINDS = ['ORDER_RECEIVED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED'];

export async function localDemoStack(
  statePath: string,
  endpoint: string,
  region: string,
): Promise<{ stack: DemoStack; api: string; inventoryTable: string; close: () => void }> {
  const out = Outputs.parse(await outputs(statePath));
  const api = await apiUrl(out.api_id, out.stage_name, endpoint, region);
  const origin = new URL(api).origin;
  const config = { endpoint, region };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  const cognito = new CognitoIdentityProviderClient(config);
  const token = customerTokens(cognito, {
    userPoolId: out.user_pool_id,
    clientId: out.user_pool_client_id,
  });
  const call = async (method: string, path: string, body?: unknown): Promise<OrderAnswer> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: {
        Authorization: (await token(DEMO_CUSTOMER)).token,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    const order = Order.parse(JSON.parse(text));
    return {
      ...order,
      updatedAt: order.updatedAt ?? order.createdAt,
      services: order.services ?? { inventory: 'PENDING', payment: 'PENDING', notification: 'PENDING' },
    };
  };
  const query = async (table: string, key: string, value: string) =>
    (
      await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#key = :value',
          ExpressionAttributeNames: { '#key': key },
          ExpressionAttributeValues: { ':value': value },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  const seeded = new Map(readProducts().map((product) => [product.productId, product]));
  const stack: DemoStack = {
    place: (items) => call('POST', '/orders', { items, paymentToken: 'tok_visa' }),
    get: (orderId) => call('GET', `/orders/${encodeURIComponent(orderId)}`),
    stockOf: async (productId) =>
      Number(
        (
          await db.send(
            new GetCommand({ TableName: out.table_names.inventory, Key: { productId }, ConsistentRead: true }),
          )
        ).Item?.stock,
      ),
    resetStock: async (products) => {
      for (const { productId } of products) {
        const product = seeded.get(productId);
        if (product === undefined) throw new Error(`${productId} is not in local/stack/seed/products.json`);
        await db.send(new PutCommand({ TableName: out.table_names.inventory, Item: product }));
      }
    },
    billing: async (orderId) => {
      const [record] = await query(out.table_names.billing, 'billingId', orderId);
      return record === undefined
        ? undefined
        : { status: String(record.status), amount: Number(record.amount), currency: String(record.currency) };
    },
    sentNotifications: async (orderId) => {
      const found = await Promise.all(
        NOTIFICATION_KINDS.map(async (kind) => ({
          kind,
          sent: (await query(out.table_names.notifications, 'notificationId', `${orderId}:${kind}`)).some(
            (n) => n.status === 'SENT',
          ),
        })),
      );
      return found.filter((n) => n.sent).map((n) => n.kind);
    },
    consoleUrl: (orderId) => `${origin}/_console${orderId === undefined ? '' : `#${orderId}`}`,
  };
  return {
    stack,
    api,
    inventoryTable: out.table_names.inventory,
    close: () => {
      db.destroy();
      cognito.destroy();
    },
  };
}

/** The demo's products as the seed defines them (the stock each scenario starts from). */
export function demoProducts(): { normal: DemoProduct; scarce: DemoProduct; rush: DemoProduct } {
  const seeded = new Map(readProducts().map((product) => [product.productId, product]));
  const pick = (productId: string): DemoProduct => {
    const product = seeded.get(productId);
    if (product === undefined) throw new Error(`${productId} is not in local/stack/seed/products.json`);
    return { productId, name: product.name, stock: product.stock };
  };
  return { normal: pick(DEMO_PRODUCTS.normal), scarce: pick(DEMO_PRODUCTS.scarce), rush: pick(DEMO_PRODUCTS.rush) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { state: { type: 'string' } } });
  const lang = chooseLang(process.env);
  const text = messages[lang];
  const endpoint = process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:4566';
  const region = process.env.AWS_REGION ?? 'us-east-1';
  try {
    const state = findState(values.state);
    if (state === undefined) throw new Error('no Terraform state of a local stack found: start one with make up');
    const { stack, api, inventoryTable, close } = await localDemoStack(state, endpoint, region);
    const products = demoProducts();
    console.log(text.intro(`${api}/orders`, stack.consoleUrl()));
    console.log(text.reset(Object.values(products), inventoryTable));
    try {
      const failures = await runDemo({
        stack,
        say: (line) => console.log(line),
        text,
        money: (amount, currency) => money(amount, currency, lang),
        products,
      });
      process.exitCode = failures === 0 ? 0 : 1;
    } finally {
      close();
    }
  } catch (error) {
    console.error(`make demo failed: ${error instanceof Error ? error.message : String(error)} (is make up running?)`);
    process.exitCode = 1;
  }
}
