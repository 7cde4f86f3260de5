# The operator's role: exactly what the operator tools need against AWS (local/ops: make status,
# make dlq, make dlq-redrive), on this stack's resources only. One statement per need, each naming
# the tool and the calls that need it: a tool that makes a new call adds its statement here.

locals {
  # The partition, region and account, from an ARN the caller already has (no STS call at plan).
  arn        = split(":", var.topic_arn)
  partition  = local.arn[1]
  region     = local.arn[3]
  account_id = local.arn[4]
  api_arn    = "arn:${local.partition}:apigateway:${local.region}::/restapis"

  statements = [
    {
      # The calls AWS authorises only on "*" (no resource-level permissions): status lists the
      # mappings (ListEventSourceMappings) and, with no Terraform state at hand, the subscriptions, the
      # tables and the functions configured with the topic (ListFunctions: the scheduled sweeper); the DLQ tools list the subscriptions and read their filter policies
      # (GetSubscriptionAttributes takes no resource either).
      Sid      = "ListWhatTakesNoResource"
      Effect   = "Allow"
      Action   = ["dynamodb:ListTables", "lambda:ListEventSourceMappings", "lambda:ListFunctions", "sns:GetSubscriptionAttributes", "sns:ListSubscriptions"]
      Resource = "*"
    },
    {
      # status: the topic's subscriptions and their filter policies.
      Sid      = "ReadTheTopic"
      Effect   = "Allow"
      Action   = ["sns:ListSubscriptionsByTopic"]
      Resource = var.topic_arn
    },
    {
      # status: each queue's depth and redrive policy; dlq redrive: the source queues' ARNs.
      Sid      = "ReadTheQueues"
      Effect   = "Allow"
      Action   = ["sqs:GetQueueAttributes"]
      Resource = sort(concat(var.queue_arns, [var.dlq_arn]))
    },
    {
      # dlq list / redrive (and status without a state): find the DLQ and the queues that redrive to
      # it, receive its messages, show them again at once (ChangeMessageVisibilityBatch), delete
      # what was put back.
      Sid      = "InspectTheDlq"
      Effect   = "Allow"
      Action   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:ReceiveMessage"]
      Resource = var.dlq_arn
    },
    {
      # dlq redrive: a message goes back to the queue it came from (SendMessageBatch).
      Sid      = "RedriveToTheQueues"
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = sort(var.queue_arns)
    },
    {
      # status: each table's item count and state.
      Sid      = "DescribeTheTables"
      Effect   = "Allow"
      Action   = ["dynamodb:DescribeTable"]
      Resource = sort(var.table_arns)
    },
    {
      # status: each function's runtime, timeout and (without a state) environment.
      Sid      = "ReadTheFunctions"
      Effect   = "Allow"
      Action   = ["lambda:GetFunctionConfiguration"]
      Resource = sort(var.function_arns)
    },
    {
      # status: the API's stage and (without a state) the APIs, and the functions its routes integrate.
      Sid      = "ReadTheApi"
      Effect   = "Allow"
      Action   = ["apigateway:GET"]
      Resource = [local.api_arn, "${local.api_arn}/${var.rest_api_id}/resources", "${local.api_arn}/${var.rest_api_id}/stages"]
    },
    {
      # notifications-resend (local/ops/notifications/): finds an order's FAILED notifications and
      # turns each back into a stale claim (a conditional UpdateItem), after reading the order to
      # rebuild the event that asked for the email.
      Sid      = "ResendFailedNotificationsRead"
      Effect   = "Allow"
      Action   = ["dynamodb:Query"]
      Resource = [var.orders_table_arn, var.notifications_table_arn]
    },
    {
      Sid      = "ResendFailedNotificationsClaim"
      Effect   = "Allow"
      Action   = ["dynamodb:UpdateItem"]
      Resource = var.notifications_table_arn
    },
    {
      # notifications-resend: the rebuilt event goes to notification's own queue, as SNS would have
      # delivered it (the topic's policy lets only the functions publish).
      Sid      = "ResendFailedNotificationsDeliver"
      Effect   = "Allow"
      Action   = ["sqs:GetQueueUrl", "sqs:SendMessage"]
      Resource = var.notification_queue_arn
    },
  ]
}

resource "aws_iam_role" "operator" {
  name        = "${var.name_prefix}order-fanout-operator"
  description = "Runs the operator tools (make status, make dlq, make dlq-redrive) against this stack."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      # The account itself by default: then an IAM principal of the account whose own policy allows
      # sts:AssumeRole on this role may assume it.
      Principal = { AWS = length(var.trusted_principal_arns) > 0 ? var.trusted_principal_arns : ["arn:${local.partition}:iam::${local.account_id}:root"] }
      Action    = "sts:AssumeRole"
    }]
  })
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy" "operator" {
  name   = "operator-tools"
  role   = aws_iam_role.operator.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.statements })
}
