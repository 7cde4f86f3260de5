# The role an operator assumes to run the project's operator tools on AWS. Only the functions may
# publish to the order-events topic (its policy denies every other principal), so the tools act
# through the paths the functions themselves take, with exactly the calls each tool makes.
#
# Minimal on this branch (issue 21): the statement of `make notifications-resend`
# (local/ops/notifications/resend.ts). Issue 20 creates the module on its branch; the two are
# reconciled when merged.

locals {
  statements = [
    {
      # Finds the order's FAILED notifications and turns each back into a stale claim (a conditional
      # UpdateItem), after reading the order to rebuild the event that asked for the email.
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
      # The rebuilt event goes to notification's own queue, as SNS would have delivered it.
      Sid      = "ResendFailedNotificationsDeliver"
      Effect   = "Allow"
      Action   = ["sqs:GetQueueUrl", "sqs:SendMessage"]
      Resource = var.notification_queue_arn
    },
  ]
}

resource "aws_iam_role" "operator" {
  name = "${var.name_prefix}order-fanout-operator"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.trusted_principal_arns }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(var.trusted_principal_arns) > 0
      error_message = "The operator role needs at least one trusted principal (trusted_principal_arns)."
    }
  }
}

resource "aws_iam_role_policy" "operator" {
  name   = "operator-tools"
  role   = aws_iam_role.operator.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.statements })
}
