resource "aws_sns_topic" "this" {
  name              = "${var.name_prefix}${var.topic_name}"
  kms_master_key_id = var.topic_kms_master_key_id
  # Active: SNS passes the X-Ray trace on to the queues it delivers to (null leaves it unset).
  tracing_config = var.tracing_enabled ? "Active" : null
  tags           = var.tags
}

locals {
  # Each queue's ARN, known before the queue exists: a queue's own policy must name it (a resource
  # cannot refer to its own attributes), and the DLQ's redrive-allow policy names every queue
  # without waiting for them (they wait for the DLQ instead, whose ARN their redrive policy needs).
  # The queues live in the topic's partition, region and account (arn:partition:sns:region:account:name):
  # taken from its ARN rather than from data sources, which would need an STS call (make plan
  # plans offline), and the topic is created in a second, before anything that names a queue.
  topic_arn  = split(":", aws_sns_topic.this.arn)
  arn_prefix = "arn:${local.topic_arn[1]}:sqs:${local.topic_arn[3]}:${local.topic_arn[4]}"
  # The names the queues are created with, prefix included: an ARN built from the bare key names
  # a queue that does not exist in any prefixed environment.
  queue_arns = { for name in keys(var.queues) : name => "${local.arn_prefix}:${var.name_prefix}${name}" }
  dlq_arn    = "${local.arn_prefix}:${var.name_prefix}${var.dlq_name}"
}

# Every queue setting lives on aws_sqs_queue itself: the provider waits about 25 s after each
# SQS change for the attributes to read back unchanged several times in a row (its propagation
# waiter, the same against moto and AWS), so each separate aws_sqs_queue_policy or
# aws_sqs_queue_redrive_policy would add another 25 s step per queue. Two steps remain: the DLQ,
# then the queues that name it (SQS refuses a redrive policy whose DLQ does not exist), in parallel.

# The DLQ and its redrive live beside the queues they serve.
resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name_prefix}${var.dlq_name}"
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true
  # Only our queues may use the DLQ as their dead-letter target.
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [for k in sort(keys(var.queues)) : local.queue_arns[k]]
  })
  tags = var.tags
}

resource "aws_sqs_queue" "this" {
  for_each = var.queues

  name                       = "${var.name_prefix}${each.key}"
  visibility_timeout_seconds = each.value.visibility_timeout_seconds
  message_retention_seconds  = each.value.message_retention_seconds
  # SSE-SQS, not the aws/sqs KMS key: SNS cannot deliver to a queue encrypted with the aws/sqs
  # key (its key policy cannot be extended to sns.amazonaws.com).
  sqs_managed_sse_enabled = true

  # Set at creation, with the policy below: the queue is never open to SNS without somewhere for
  # poison messages to go.
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })

  # Only this topic may send to the queue.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowOrderEventsTopic"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = local.queue_arns[each.key]
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.this.arn } }
    }]
  })

  tags = var.tags
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.queues

  topic_arn = aws_sns_topic.this.arn
  protocol  = "sqs"
  # The queue resource's ARN: subscribed only once the queue exists with its policy (deliveries
  # before it would be refused and lost) and its redrive policy.
  endpoint = aws_sqs_queue.this[each.key].arn
  # Consumers get the event JSON itself, with eventType as an SQS message attribute.
  raw_message_delivery = true
  filter_policy_scope  = "MessageAttributes"
  filter_policy        = jsonencode({ eventType = sort(each.value.event_types) })
}

# Only the functions' roles may publish events: without the Deny, any principal of the account
# whose own IAM policy allows sns:Publish could inject an event (a forged PaymentCaptured, say).
resource "aws_sns_topic_policy" "this" {
  count = length(var.publisher_role_arns) > 0 ? 1 : 0

  arn = aws_sns_topic.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublishersOnly"
        Effect    = "Allow"
        Principal = { AWS = var.publisher_role_arns }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
      },
      {
        Sid       = "NobodyElsePublishes"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
        Condition = { ArnNotEquals = { "aws:PrincipalArn" = var.publisher_role_arns } }
      },
    ]
  })
}

# Anything in the DLQ is an order stuck somewhere: page someone rather than wait for a customer.
resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name          = "${aws_sqs_queue.dlq.name}-not-empty"
  alarm_description   = "Messages in ${aws_sqs_queue.dlq.name}: a consumer failed ${var.max_receive_count} times. Inspect, fix, then redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  # SQS stops sending metrics for an idle queue; no data means nothing is stuck.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
  tags               = var.tags
}

# A consumer that is down, throttled or failing every message shows first as an ageing queue.
resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  for_each = var.queues

  alarm_name          = "${aws_sqs_queue.this[each.key].name}-oldest-message-age"
  alarm_description   = "A message has waited over ${var.oldest_message_alarm_seconds} s in ${aws_sqs_queue.this[each.key].name}: its consumer is not keeping up (down, throttled or failing)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.this[each.key].name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.oldest_message_alarm_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
