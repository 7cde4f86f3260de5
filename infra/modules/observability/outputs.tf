output "dashboard_name" {
  description = "The dashboard's name."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dashboard_widgets" {
  description = "The dashboard's widgets (type and title), in order."
  value       = [for w in local.widgets : { type = w.type, title = w.properties.title }]
}

output "order_timeline_query" {
  description = "The saved Logs Insights query of one order's timeline: its name, log groups and query."
  value = {
    name            = aws_cloudwatch_query_definition.order_timeline.name
    log_group_names = aws_cloudwatch_query_definition.order_timeline.log_group_names
    query_string    = aws_cloudwatch_query_definition.order_timeline.query_string
  }
}
