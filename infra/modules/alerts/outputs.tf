output "topic_arn" {
  description = "ARN of the alerts topic: every alarm's actions include it."
  value       = aws_sns_topic.alerts.arn
}

output "topic_name" {
  description = "Name of the alerts topic."
  value       = aws_sns_topic.alerts.name
}

output "alarms" {
  description = "The alarms on the system's own metrics and the ARNs each notifies, keyed by alarm name."
  value       = { for a in values(aws_cloudwatch_metric_alarm.metric) : a.alarm_name => { alarm_actions = a.alarm_actions, ok_actions = a.ok_actions } }
}

output "email_subscription" {
  description = "The address subscribed to the alerts topic, or null."
  value       = one(aws_sns_topic_subscription.email[*].endpoint)
}

output "metric_alarms" {
  description = "What each alarm on the system's own metrics watches (namespace, metric, dimensions, statistic, threshold), keyed as in main.tf."
  value = { for k, a in aws_cloudwatch_metric_alarm.metric : k => {
    namespace           = a.namespace
    metric_name         = a.metric_name
    dimensions          = a.dimensions
    statistic           = a.statistic
    comparison_operator = a.comparison_operator
    threshold           = a.threshold
  } }
}
