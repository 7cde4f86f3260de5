// DynamoDB Streams event source mappings as the emulator lists them, with Lambda's defaults for the
// settings it omits (AWS "Lambda parameters for Amazon DynamoDB event source mappings").
import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { compileFilters, FilterPatternError, type EventFilter } from './event-filter.js';
import { functionNameFromArn } from '../arns.js';
import type { StreamMappingSettings } from './stream-poller.js';

export interface DeployedStreamMapping extends Omit<StreamMappingSettings, 'region'> {
  state: string;
  filterPatterns: string[];
}

const STREAM_MAPPING_DEFAULTS = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  maximumRecordAgeInSeconds: -1,
} as const;

/** "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-12-01T07:51:24.787" */
export const isDynamoDbStreamArn = (arn: string | undefined): boolean =>
  arn !== undefined && /^arn:aws[\w-]*:dynamodb:[^:]*:\d*:table\/[^/]+\/stream\/.+$/.test(arn);

/** A stream mapping with Lambda's defaults applied; undefined (with a warning) when Lambda would not run it. */
export function streamMappingSettings(
  mapping: EventSourceMappingConfiguration,
  warnings: string[],
): DeployedStreamMapping | undefined {
  const { UUID, EventSourceArn, FunctionArn } = mapping;
  const functionName = FunctionArn === undefined ? undefined : functionNameFromArn(FunctionArn);
  if (UUID === undefined || EventSourceArn === undefined || FunctionArn === undefined || functionName === undefined) {
    warnings.push(`stream event source mapping ${UUID ?? '?'} has no function; skipped`);
    return undefined;
  }
  const startingPosition = mapping.StartingPosition;
  if (startingPosition !== 'TRIM_HORIZON' && startingPosition !== 'LATEST') {
    warnings.push(
      `stream event source mapping ${UUID}: starting position ${startingPosition ?? 'missing'} (DynamoDB Streams take TRIM_HORIZON or LATEST); skipped`,
    );
    return undefined;
  }
  if ((mapping.ParallelizationFactor ?? 1) > 1)
    warnings.push(
      `stream event source mapping ${UUID}: ParallelizationFactor ${mapping.ParallelizationFactor ?? 1} runs as 1 locally (one batch at a time per shard)`,
    );
  if ((mapping.TumblingWindowInSeconds ?? 0) > 0)
    warnings.push(
      `stream event source mapping ${UUID}: TumblingWindowInSeconds is not applied locally (no window state is passed)`,
    );
  const filters = mapping.FilterCriteria?.Filters ?? [];
  let filter: EventFilter;
  try {
    filter = compileFilters(filters);
  } catch (error) {
    if (!(error instanceof FilterPatternError)) throw error;
    warnings.push(
      `stream event source mapping ${UUID}: filter criteria Lambda would refuse (${error.message}); skipped`,
    );
    return undefined;
  }
  return {
    uuid: UUID,
    state: mapping.State ?? 'Unknown',
    functionName,
    functionArn: FunctionArn,
    streamArn: EventSourceArn,
    startingPosition,
    batchSize: mapping.BatchSize ?? STREAM_MAPPING_DEFAULTS.batchSize,
    maximumBatchingWindowInSeconds:
      mapping.MaximumBatchingWindowInSeconds ?? STREAM_MAPPING_DEFAULTS.maximumBatchingWindowInSeconds,
    reportBatchItemFailures: (mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    bisectBatchOnFunctionError:
      mapping.BisectBatchOnFunctionError ?? STREAM_MAPPING_DEFAULTS.bisectBatchOnFunctionError,
    maximumRetryAttempts: mapping.MaximumRetryAttempts ?? STREAM_MAPPING_DEFAULTS.maximumRetryAttempts,
    maximumRecordAgeInSeconds: mapping.MaximumRecordAgeInSeconds ?? STREAM_MAPPING_DEFAULTS.maximumRecordAgeInSeconds,
    onFailureDestination: mapping.DestinationConfig?.OnFailure?.Destination,
    filter,
    filterPatterns: filters.flatMap((entry) => (entry.Pattern === undefined ? [] : [entry.Pattern])),
  };
}
