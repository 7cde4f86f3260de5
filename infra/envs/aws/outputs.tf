output "api_id" {
  description = "ID of the REST API."
  value       = module.order_fanout.api_id
}

output "stage_name" {
  description = "API stage name."
  value       = module.order_fanout.stage_name
}

output "topic_arn" {
  description = "ARN of the order-events topic."
  value       = module.order_fanout.topic_arn
}

output "queue_urls" {
  description = "Consumer queue URLs, keyed by queue name."
  value       = module.order_fanout.queue_urls
}

output "dlq_url" {
  description = "URL of order-processing-dlq."
  value       = module.order_fanout.dlq_url
}

output "table_names" {
  description = "Table names, keyed by table."
  value       = module.order_fanout.table_names
}

output "function_names" {
  description = "Names of the deployed functions (sorted list)."
  value       = sort(values(module.order_fanout.function_names))
}

output "invoke_url" {
  description = "Base URL of the API stage; append /orders."
  value       = module.order_fanout.invoke_url
}

output "alerts_topic_arn" {
  description = "ARN of the alerts topic every alarm notifies."
  value       = module.order_fanout.alerts_topic_arn
}

output "user_pool_id" {
  description = "ID of the customers' user pool."
  value       = module.order_fanout.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the app client whose ID tokens the API accepts (the audience)."
  value       = module.order_fanout.user_pool_client_id
}

output "name_prefix" {
  description = "The prefix every globally named resource carries: tools find names in these outputs, never by the original design's bare names."
  value       = var.name_prefix
}

output "dlq_alarm_name" {
  description = "The alarm on the DLQ's depth: it notifies the alerts topic."
  value       = module.order_fanout.dlq_alarm_name
}

output "operator_role_arn" {
  description = "The role to assume for make status, make dlq and make dlq-redrive, or null (operator_role_enabled = false)."
  value       = module.order_fanout.operator_role_arn
}
