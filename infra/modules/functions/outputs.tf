output "function_names" {
  description = "Function names, keyed by the input key."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "function_arns" {
  description = "Function ARNs, keyed by the input key."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "invoke_arns" {
  description = "Invoke ARNs (for API Gateway integrations), keyed by the input key."
  value       = { for k, f in aws_lambda_function.this : k => f.invoke_arn }
}

output "role_arns" {
  description = "Execution role ARNs, keyed by the input key."
  value       = { for k, r in aws_iam_role.this : k => r.arn }
}

output "log_group_names" {
  description = "Log group names, keyed by the input key."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "iam_policies" {
  description = "Each function's inline policy document (JSON), keyed by the input key: for review and tests."
  value       = local.policies
}

output "event_source_mappings" {
  description = "Queue mappings, keyed by the consuming function: the settings a local runtime must apply."
  value = {
    for k, m in aws_lambda_event_source_mapping.this : k => {
      uuid                               = m.uuid
      event_source_arn                   = m.event_source_arn
      enabled                            = m.enabled
      batch_size                         = m.batch_size
      maximum_batching_window_in_seconds = m.maximum_batching_window_in_seconds
      function_response_types            = m.function_response_types
      maximum_concurrency                = one(m.scaling_config).maximum_concurrency
    }
  }
}

output "stream_event_source_mappings" {
  description = "Stream mappings, keyed by the reading function: the settings a local runtime must apply."
  value = {
    for k, m in aws_lambda_event_source_mapping.stream : k => {
      uuid                               = m.uuid
      event_source_arn                   = m.event_source_arn
      enabled                            = m.enabled
      starting_position                  = m.starting_position
      batch_size                         = m.batch_size
      maximum_batching_window_in_seconds = m.maximum_batching_window_in_seconds
      function_response_types            = m.function_response_types
      bisect_batch_on_function_error     = m.bisect_batch_on_function_error
      maximum_retry_attempts             = m.maximum_retry_attempts
      maximum_record_age_in_seconds      = m.maximum_record_age_in_seconds
      filter_patterns                    = [for f in flatten(m.filter_criteria[*].filter[*]) : f.pattern]
      on_failure_destination_arn         = one(flatten(m.destination_config[*].on_failure[*].destination_arn))
    }
  }
}

output "log_group_arns" {
  description = "Log group ARNs, keyed by the input key."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.arn }
}

output "timeouts" {
  description = "Each function's timeout in seconds, keyed by the input key."
  value       = { for k, f in aws_lambda_function.this : k => f.timeout }
}

output "reserved_concurrency" {
  description = "Each function's reserved concurrency (-1: none), keyed by the input key."
  value       = { for k, f in aws_lambda_function.this : k => f.reserved_concurrent_executions }
}

output "role_names" {
  description = "Execution role names, keyed by the input key."
  value       = { for k, r in aws_iam_role.this : k => r.name }
}

output "alarms" {
  description = "The functions' Errors and Throttles alarms and the ARNs each notifies, keyed by alarm name."
  value       = { for a in concat(values(aws_cloudwatch_metric_alarm.function), values(aws_cloudwatch_metric_alarm.iterator_age)) : a.alarm_name => { alarm_actions = a.alarm_actions, ok_actions = a.ok_actions } }
}

output "iterator_age_alarms" {
  description = "Each stream reader's IteratorAge alarm (metric, statistic, threshold in ms, actions), keyed by function."
  value = {
    for k, a in aws_cloudwatch_metric_alarm.iterator_age : k => {
      namespace     = a.namespace
      metric_name   = a.metric_name
      statistic     = a.statistic
      threshold     = a.threshold
      alarm_actions = a.alarm_actions
    }
  }
}

output "environments" {
  description = "Each function's environment variables as deployed, keyed by function."
  value       = { for k, f in aws_lambda_function.this : k => one(f.environment).variables }
}

output "schedules" {
  description = "Each scheduled function's EventBridge rule (name, expression, state) and the ARN its target invokes, keyed by function."
  value = {
    for k, r in aws_cloudwatch_event_rule.schedule : k => {
      name                = r.name
      schedule_expression = r.schedule_expression
      state               = r.state
      target_arn          = aws_cloudwatch_event_target.schedule[k].arn
      permission_source   = aws_lambda_permission.schedule[k].source_arn
    }
  }
}

output "tracing_modes" {
  description = "Each function's X-Ray tracing mode (Active, or null when not traced), keyed by function."
  value       = { for k, f in aws_lambda_function.this : k => try(one(f.tracing_config).mode, null) }
}
