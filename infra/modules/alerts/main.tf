# Where every alarm goes: an encrypted topic, and optionally someone's inbox.

# The account, from an ARN the caller already has (no sts:GetCallerIdentity, which a plan
# without an account cannot make).
locals {
  partition  = split(":", var.account_arn)[1]
  account_id = split(":", var.account_arn)[4]
}

# CloudWatch can publish to an encrypted topic only under a customer managed key whose policy
# admits cloudwatch.amazonaws.com: the AWS managed alias/aws/sns key's policy cannot be changed.
resource "aws_kms_key" "alerts" {
  description         = "${var.name_prefix}order-fanout alerts topic"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchPublishes"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  })
  tags = var.tags
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}order-fanout-alerts"
  kms_master_key_id = aws_kms_key.alerts.arn
  tags              = var.tags
}

# Email subscriptions stay pending until the recipient follows the link AWS mails them.
resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# The system's own metrics (EMF, in the stack's namespace, the emitting function as the service
# dimension): the sweeper's OldestPlacedOrderSeconds on every run (0 when no order is PLACED), so
# an order that is never announced is seen; order-status's PaymentMismatches once per bad capture.
locals {
  metric_alarms = {
    orders-stuck-placed = {
      metric      = "OldestPlacedOrderSeconds"
      service     = "order-sweeper"
      statistic   = "Maximum"
      threshold   = var.placed_order_alarm_seconds
      description = "The oldest PLACED order has waited over ${var.placed_order_alarm_seconds} s: a service is slow or retrying, or the order was never announced (the sweeper announces it again)."
    }
    payment-mismatches = {
      metric      = "PaymentMismatches"
      service     = "order-status"
      statistic   = "Sum"
      threshold   = 0
      description = "A PaymentCaptured did not match its order's total or currency: the order was cancelled and the capture needs a human (refund) and an investigation."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "metric" {
  for_each = local.metric_alarms

  alarm_name          = "${var.name_prefix}${each.key}"
  alarm_description   = each.value.description
  namespace           = var.metrics_namespace
  metric_name         = each.value.metric
  dimensions          = { service = each.value.service }
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = concat([aws_sns_topic.alerts.arn], var.extra_alarm_actions)
  ok_actions          = concat([aws_sns_topic.alerts.arn], var.extra_alarm_actions)
  tags                = var.tags
}
