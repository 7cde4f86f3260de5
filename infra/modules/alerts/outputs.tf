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
