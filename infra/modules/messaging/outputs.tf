output "topic_arn" {
  description = "ARN of the event topic."
  value       = aws_sns_topic.this.arn
}

output "queue_arns" {
  description = "Consumer queue ARNs, keyed by queue name."
  value       = { for k, q in aws_sqs_queue.this : k => q.arn }
}

output "queue_arns_at_plan" {
  description = "The same ARNs, known at plan time (built from the names): for IAM policies, so that they need not wait for the queues. Use queue_arns where the queue must exist."
  value       = local.queue_arns
}

output "queue_urls" {
  description = "Consumer queue URLs, keyed by queue name."
  value       = { for k, q in aws_sqs_queue.this : k => q.url }
}

output "queue_visibility_timeouts" {
  description = "Visibility timeout (seconds) of each consumer queue, keyed by queue name."
  value       = { for k, q in aws_sqs_queue.this : k => q.visibility_timeout_seconds }
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_arn_at_plan" {
  description = "The same ARN, known at plan time (built from the name): for IAM policies, so that they need not wait for the DLQ. Use dlq_arn where the DLQ must exist."
  value       = local.dlq_arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "subscription_arns" {
  description = "Subscription ARNs, keyed by queue name."
  value       = { for k, s in aws_sns_topic_subscription.this : k => s.arn }
}

output "dlq_alarm_name" {
  description = "Name of the CloudWatch alarm on the DLQ's depth."
  value       = aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_name
}

output "alarms" {
  description = "This module's alarms and the ARNs each notifies, keyed by alarm name."
  value = {
    for a in concat([aws_cloudwatch_metric_alarm.dlq_not_empty], values(aws_cloudwatch_metric_alarm.oldest_message_age)) :
    a.alarm_name => { alarm_actions = a.alarm_actions, ok_actions = a.ok_actions }
  }
}

output "topic_name" {
  description = "Name of the event topic."
  value       = aws_sns_topic.this.name
}

output "queue_names" {
  description = "Consumer queue names (prefixed), keyed by queue key."
  value       = { for k, q in aws_sqs_queue.this : k => q.name }
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "subscriptions" {
  description = "The fan-out, keyed by queue name: which eventType values each queue receives, and how."
  value = {
    for k, s in aws_sns_topic_subscription.this : k => {
      arn                  = s.arn
      filter_policy        = s.filter_policy
      filter_policy_scope  = s.filter_policy_scope
      raw_message_delivery = s.raw_message_delivery
    }
  }
}

output "topic_policy" {
  description = "The topic's policy (JSON), or null when publisher_role_arns is empty."
  value       = one(aws_sns_topic_policy.this[*].policy)
}

output "topic_tracing_config" {
  description = "The topic's X-Ray tracing mode (Active, or null)."
  value       = aws_sns_topic.this.tracing_config
}
