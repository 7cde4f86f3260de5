# What an operator looks at on AWS: one dashboard of the pipeline, per service, and the console's
# order timeline as a saved Logs Insights query. Both read what already exists (AWS metrics and
# the functions' JSON log lines): nothing in the functions' bundles.

data "aws_region" "current" {}

locals {
  region    = data.aws_region.current.name
  functions = sort(keys(var.function_names))
  lambda_metric = {
    for m in ["Invocations", "Errors", "Throttles"] : m => [
      for f in local.functions : ["AWS/Lambda", m, "FunctionName", var.function_names[f], { label = f }]
    ]
  }
  # The functions' own log lines that mark an order's life: announced (placed), then final.
  order_lines = {
    placed    = { function = var.stream_reader, message = "announced" }
    confirmed = { function = "order-status", message = "order CONFIRMED" }
    cancelled = { function = "order-status", message = "order CANCELLED" }
  }
  metric_widget = { type = "metric", width = 12, height = 6 }
  widgets = concat(
    [for m in ["Invocations", "Errors", "Throttles"] : merge(local.metric_widget, {
      properties = { title = "${m} per function", region = local.region, stat = "Sum", period = 60, view = "timeSeries", metrics = local.lambda_metric[m] }
    })],
    [merge(local.metric_widget, {
      properties = {
        title   = "Oldest message age per queue (s)", region = local.region, stat = "Maximum", period = 60, view = "timeSeries"
        metrics = [for q in sort(keys(var.queue_names)) : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_names[q], { label = q }]]
      }
    })],
    [merge(local.metric_widget, {
      properties = {
        title   = "DLQ depth", region = local.region, stat = "Maximum", period = 60, view = "timeSeries"
        metrics = [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dlq_name, { label = "order-processing-dlq" }]]
      }
    })],
    [merge(local.metric_widget, {
      properties = {
        title   = "Outbox lag: the orders stream's iterator age (ms)", region = local.region, stat = "Maximum", period = 60, view = "timeSeries"
        metrics = [["AWS/Lambda", "IteratorAge", "FunctionName", var.function_names[var.stream_reader], { label = var.stream_reader }]]
      }
    })],
    [for name, line in local.order_lines : {
      type = "log", width = 8, height = 6
      properties = {
        title = "Orders ${name}", region = local.region, view = "timeSeries"
        query = "SOURCE '${var.log_group_names[line.function]}' | filter message = '${line.message}' | stats count() as orders by bin(5m)"
      }
    }],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.name_prefix}order-fanout"
  dashboard_body = jsonencode({ widgets = local.widgets })
}

# The console's view of one order on AWS: every function's lines for one orderId, oldest first.
# Logs Insights keeps no parameters: replace the id in the query before running it.
resource "aws_cloudwatch_query_definition" "order_timeline" {
  name            = "${var.name_prefix}order-fanout/one order's timeline by orderId"
  log_group_names = [for f in local.functions : var.log_group_names[f]]
  query_string    = <<-EOT
    fields @timestamp, service, level, message, eventType, eventId, status, reason
    | filter orderId = "REPLACE-WITH-ORDER-ID"
    | sort @timestamp asc
    | limit 500
  EOT
}
