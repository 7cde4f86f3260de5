// The configuration handler.ts reads at module load: set it before importing the handler.
export function setOrderApiEnv(): void {
  process.env.ORDERS_TABLE = 'orders';
  process.env.INVENTORY_TABLE = 'inventory';
  process.env.IDEMPOTENCY_TABLE = 'idempotency';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.LOG_LEVEL = 'SILENT';
}
