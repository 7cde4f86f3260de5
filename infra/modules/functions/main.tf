locals {
  consumers      = { for name, f in var.functions : name => f if f.queue != null }
  stream_readers = { for name, f in var.functions : name => f if f.stream != null }
}

# Created by Terraform (not by Lambda on first write) so that it has a retention and is
# destroyed with the function.
resource "aws_cloudwatch_log_group" "this" {
  for_each = var.functions

  name              = "/aws/lambda/${var.name_prefix}${each.key}"
  retention_in_days = var.log_retention_in_days
  tags              = var.tags
}

# The provider creates functions from `filename` one at a time (it holds a process-wide lock
# from reading the zip through its wait for the function to become Active, 5 s at least): five
# functions take ~25 s. That is off the critical path as long as nothing here waits for the
# queues, whose creation takes longer (see modules/messaging): the roles name the queues by
# ARNs known at plan time, and only the mappings wait for the queues themselves.
resource "aws_lambda_function" "this" {
  for_each = var.functions

  function_name    = "${var.name_prefix}${each.key}"
  description      = each.value.description
  role             = aws_iam_role.this[each.key].arn
  filename         = "${var.dist_dir}/${each.key}.zip"
  source_code_hash = filebase64sha256("${var.dist_dir}/${each.key}.zip")
  runtime          = each.value.runtime
  handler          = each.value.handler
  timeout          = each.value.timeout
  memory_size      = each.value.memory_size
  architectures    = var.architectures
  # -1: no reservation (the account's unreserved pool).
  reserved_concurrent_executions = coalesce(each.value.reserved_concurrency, -1)

  environment {
    # POWERTOOLS_SERVICE_NAME: the logger's `service` key on every line. FUNCTION_TIMEOUT_SECONDS:
    # Lambda tells a function its remaining time, never its configured timeout, which bounds how
    # long another invocation can still be working (notification's claims go stale after it).
    # NODE_OPTIONS (source_maps): stack traces through the source map each zip carries (build.mjs)
    # name the TypeScript file and line; Node reads the map only with this flag.
    variables = merge(
      each.value.environment,
      { LOG_LEVEL = var.log_level, POWERTOOLS_SERVICE_NAME = each.key, FUNCTION_TIMEOUT_SECONDS = tostring(each.value.timeout) },
      var.source_maps ? { NODE_OPTIONS = "--enable-source-maps" } : {},
      var.extra_environment,
    )
  }

  tags = var.tags

  # The first invocation must find its log group and its permissions in place.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}

resource "aws_lambda_event_source_mapping" "this" {
  for_each = local.consumers

  event_source_arn                   = var.event_source_arns[each.key]
  function_name                      = aws_lambda_function.this[each.key].arn
  enabled                            = var.event_source_mappings_enabled
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  # Handlers report failed records; without this one failure retries the whole batch.
  function_response_types = ["ReportBatchItemFailures"]

  # A bound per consumer, so that a burst of events cannot take the account's whole concurrency
  # (starving order-api) and get throttled: the poller stops scaling instead, and messages wait
  # in the queue rather than failing towards the DLQ.
  scaling_config {
    maximum_concurrency = each.value.queue.maximum_concurrency
  }

  # Lambda checks the role's sqs: permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = lookup(var.event_source_arns, each.key, null) == each.value.queue.arn
      error_message = "event_source_arns[\"${each.key}\"] must be the ARN of the queue the function's policy admits (${each.value.queue.arn})."
    }
  }
}

resource "aws_lambda_event_source_mapping" "stream" {
  for_each = local.stream_readers

  event_source_arn                   = each.value.stream.arn
  function_name                      = aws_lambda_function.this[each.key].arn
  enabled                            = var.event_source_mappings_enabled
  starting_position                  = each.value.stream.starting_position
  batch_size                         = each.value.stream.batch_size
  maximum_batching_window_in_seconds = each.value.stream.maximum_batching_window_in_seconds
  # The handler names the first record it could not process; Lambda resumes from it instead of
  # retrying the records before it.
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = each.value.stream.bisect_batch_on_function_error
  maximum_retry_attempts         = each.value.stream.maximum_retry_attempts
  maximum_record_age_in_seconds  = each.value.stream.maximum_record_age_in_seconds

  dynamic "filter_criteria" {
    for_each = length(each.value.stream.filter_patterns) == 0 ? [] : [each.value.stream.filter_patterns]
    content {
      dynamic "filter" {
        for_each = filter_criteria.value
        content {
          pattern = filter.value
        }
      }
    }
  }

  # Without a destination, a batch Lambda gives up on is dropped without a trace.
  dynamic "destination_config" {
    for_each = each.value.stream.on_failure_destination_arn == null ? [] : [var.on_failure_destination_arns[each.key]]
    content {
      on_failure {
        destination_arn = destination_config.value
      }
    }
  }

  # Lambda checks the role's dynamodb: (and destination) permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = lookup(var.on_failure_destination_arns, each.key, null) == each.value.stream.on_failure_destination_arn
      error_message = "on_failure_destination_arns[\"${each.key}\"] must be the destination the function's policy admits (${coalesce(each.value.stream.on_failure_destination_arn, "none")})."
    }
  }
}

# Errors: invocations that threw or timed out. Throttles: invocations refused for want of
# concurrency. Either, sustained, means orders are waiting or being retried towards the DLQ.
locals {
  function_alarms = merge([
    for name in keys(var.functions) : {
      "${name}-errors"    = { function = name, metric = "Errors", what = "failed (threw or timed out)" }
      "${name}-throttles" = { function = name, metric = "Throttles", what = "were throttled" }
    }
  ]...)
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = local.function_alarms

  alarm_name          = "${aws_lambda_function.this[each.value.function].function_name}-${lower(each.value.metric)}"
  alarm_description   = "Invocations of ${aws_lambda_function.this[each.value.function].function_name} ${each.value.what}."
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = aws_lambda_function.this[each.value.function].function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
