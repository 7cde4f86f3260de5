// What the runtime reads out of the ARNs and URIs the emulator's APIs answer with.

/** "arn:aws:lambda:us-east-1:000000000000:function:inventory[:qualifier]" → "inventory". */
export function functionNameFromArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:lambda:[^:]*:\d*:function:([^:]+)(?::[^:]+)?$/.exec(arn)?.[1];
}

/** An AWS_PROXY integration URI → the function ARN it invokes. */
export function functionArnFromIntegrationUri(uri: string): string | undefined {
  return /:lambda:path\/\d{4}-\d{2}-\d{2}\/functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1];
}

/** "arn:aws:sqs:us-east-1:000000000000:inventory-queue" → its name and owner. */
export function parseQueueArn(arn: string): { name: string; accountId: string } | undefined {
  const match = /^arn:aws[\w-]*:sqs:[^:]*:(\d*):(.+)$/.exec(arn);
  return match?.[1] !== undefined && match[2] !== undefined ? { accountId: match[1], name: match[2] } : undefined;
}
