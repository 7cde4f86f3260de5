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
