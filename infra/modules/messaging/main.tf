resource "aws_sns_topic" "this" {
  name              = var.topic_name
  kms_master_key_id = var.topic_kms_master_key_id
  tags              = var.tags
}

# The DLQ and its redrive live beside the queues they serve.
resource "aws_sqs_queue" "dlq" {
  name                      = var.dlq_name
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "this" {
  for_each = var.queues

  name                       = each.key
  visibility_timeout_seconds = each.value.visibility_timeout_seconds
  message_retention_seconds  = each.value.message_retention_seconds
  # SSE-SQS, not the aws/sqs KMS key: SNS cannot deliver to a queue encrypted with the aws/sqs
  # key (its key policy cannot be extended to sns.amazonaws.com).
  sqs_managed_sse_enabled = true

  tags = var.tags

  lifecycle {
    # redrive_policy is owned by aws_sqs_queue_redrive_policy.this below, never set here; the
    # queue resource still reads it back. Its schema normalises only the planned side
    # (StateFunc, no JSON-equivalence check), so a service that returns the document in another
    # spacing shows a diff on every plan: moto returns json.dumps() output ('", "', '": "'),
    # real SQS returns compact JSON and is unaffected. Ignoring the attribute here hides nothing:
    # drift in the redrive policy still shows on aws_sqs_queue_redrive_policy.this, which
    # compares the JSON semantically. (Applying that phantom diff would also be harmful on moto:
    # any SetQueueAttributes without Policy clears the queue's policy.)
    ignore_changes = [redrive_policy]
  }
}

# The redrive policy as its own resource rather than the queue's redrive_policy argument:
# - this resource compares JSON documents semantically, the argument does not (see above);
# - the queues no longer wait for the DLQ, so both are created (and waited for) in parallel.
resource "aws_sqs_queue_redrive_policy" "this" {
  for_each = var.queues

  queue_url = aws_sqs_queue.this[each.key].id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# Only our queues may use the DLQ as their dead-letter target. A separate resource, not an
# argument of the DLQ: the DLQ must exist before the queues that name it, and this policy must
# name those queues. Optional only because moto (5.2.1) stores RedriveAllowPolicy but never
# returns it from GetQueueAttributes, so the provider's propagation waiter never finishes.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  count = var.dlq_redrive_allow_policy_enabled ? 1 : 0

  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [for k in sort(keys(var.queues)) : aws_sqs_queue.this[k].arn]
  })
}

# Only this topic may send to the queues.
resource "aws_sqs_queue_policy" "this" {
  for_each = var.queues

  queue_url = aws_sqs_queue.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowOrderEventsTopic"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this[each.key].arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.this.arn } }
    }]
  })

  # Open the queue to SNS only once poison messages have somewhere to go. Also required by moto
  # (5.2.1): any SetQueueAttributes call without a Policy clears the queue's policy, so the
  # redrive policy must not be written after this one.
  depends_on = [aws_sqs_queue_redrive_policy.this]
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.queues

  topic_arn = aws_sns_topic.this.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.this[each.key].arn
  # Consumers get the event JSON itself, with eventType as an SQS message attribute.
  raw_message_delivery = true
  filter_policy_scope  = "MessageAttributes"
  filter_policy        = jsonencode({ eventType = sort(each.value.event_types) })

  # Deliveries made before the queue policy exists would be refused and lost, and poison
  # messages delivered before the redrive policy exists would never reach the DLQ.
  depends_on = [aws_sqs_queue_policy.this, aws_sqs_queue_redrive_policy.this]
}

# Anything in the DLQ is an order stuck somewhere: page someone rather than wait for a customer.
resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name          = "${var.dlq_name}-not-empty"
  alarm_description   = "Messages in ${var.dlq_name}: a consumer failed ${var.max_receive_count} times. Inspect, fix, then redrive."
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
  alarm_actions      = var.dlq_alarm_actions
  ok_actions         = var.dlq_alarm_actions
  tags               = var.tags
}
