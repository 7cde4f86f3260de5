output "api_id" {
  description = "ID of the REST API."
  value       = module.api.api_id
}

output "stage_name" {
  description = "API stage name."
  value       = module.api.stage_name
}

output "invoke_url" {
  description = "Base URL of the API stage."
  value       = module.api.invoke_url
}

output "topic_arn" {
  description = "ARN of the order-events topic."
  value       = module.messaging.topic_arn
}

output "queue_urls" {
  description = "Consumer queue URLs, keyed by queue name."
  value       = module.messaging.queue_urls
}

output "queue_arns" {
  description = "Consumer queue ARNs, keyed by queue name."
  value       = module.messaging.queue_arns
}

output "dlq_url" {
  description = "URL of order-processing-dlq."
  value       = module.messaging.dlq_url
}

output "dlq_arn" {
  description = "ARN of order-processing-dlq."
  value       = module.messaging.dlq_arn
}

output "dlq_alarm_name" {
  description = "CloudWatch alarm raised when the DLQ holds messages."
  value       = module.messaging.dlq_alarm_name
}

output "table_names" {
  description = "Table names, keyed by table."
  value       = module.tables.table_names
}

output "table_arns" {
  description = "Table ARNs, keyed by table."
  value       = module.tables.table_arns
}

output "function_names" {
  description = "Function names, keyed by function."
  value       = module.functions.function_names
}

output "event_source_mappings" {
  description = "Queue mappings and their settings, keyed by consuming function."
  value       = module.functions.event_source_mappings
}

output "schedules" {
  description = "Each scheduled function's EventBridge rule and target, keyed by function."
  value       = module.functions.schedules
}

output "stream_event_source_mappings" {
  description = "Stream mappings and their settings, keyed by reading function."
  value       = module.functions.stream_event_source_mappings
}

output "iam_policies" {
  description = "Each function's inline policy (JSON), keyed by function."
  value       = module.functions.iam_policies
}

output "sender_email" {
  description = "SES sender identity."
  value       = module.email.sender_email
}

output "alerts_topic_arn" {
  description = "ARN of the alerts topic every alarm notifies."
  value       = module.alerts.topic_arn
}

output "alarms" {
  description = "Every alarm of the stack and the ARNs it notifies, keyed by alarm name."
  value       = merge(module.messaging.alarms, module.functions.alarms, module.alerts.alarms)
}

output "reserved_concurrency" {
  description = "Each function's reserved concurrency (-1: none), keyed by function."
  value       = module.functions.reserved_concurrency
}

output "global_names" {
  description = "The name of every resource whose name is unique in an account and region, by kind: what name_prefix must prefix."
  value = {
    tables     = values(module.tables.table_names)
    topics     = [module.messaging.topic_name, module.alerts.topic_name]
    queues     = concat(values(module.messaging.queue_names), [module.messaging.dlq_name])
    functions  = values(module.functions.function_names)
    roles      = values(module.functions.role_names)
    log_groups = [for g in values(module.functions.log_group_names) : trimprefix(g, "/aws/lambda/")]
    alarms     = keys(merge(module.messaging.alarms, module.functions.alarms, module.alerts.alarms))
    rules      = [for r in values(module.functions.schedules) : r.name]
    dashboards = [for o in module.observability : o.dashboard_name]
    api        = [module.api.name]
    user_pools = [module.auth.user_pool_name]
  }
}

output "alarm_email_subscription" {
  description = "The address subscribed to the alerts topic, or null."
  value       = module.alerts.email_subscription
}

output "user_pool_id" {
  description = "ID of the customers' user pool."
  value       = module.auth.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the app client whose ID tokens the API accepts."
  value       = module.auth.client_id
}

output "operator_role_arn" {
  description = "ARN of the operator role, or null when operator_role_enabled is false."
  value       = one(module.operator[*].role_arn)
}

output "operator_policy" {
  description = "The operator role's policy (JSON), or null when operator_role_enabled is false."
  value       = one(module.operator[*].policy)
}

output "observability" {
  description = "What observability_enabled deploys: each function's tracing mode, the stage's and the topic's tracing, the dashboard and the saved query (null when off)."
  value = {
    function_tracing = module.functions.tracing_modes
    api_xray         = module.api.xray_tracing_enabled
    topic_tracing    = module.messaging.topic_tracing_config
    dashboard        = try(module.observability[0].dashboard_name, null)
    widgets          = try(module.observability[0].dashboard_widgets, [])
    timeline_query   = try(module.observability[0].order_timeline_query, null)
  }
}

output "user_pool_email" {
  description = "How the user pool sends its emails (DEVELOPER through SES, or COGNITO_DEFAULT), its identity and From."
  value       = module.auth.email_configuration
}
