# Policies are built with jsonencode rather than aws_iam_policy_document so that they are plain
# values at plan time: the tests (mock provider) can read and assert them.
locals {
  policy_statements = {
    for name, f in var.functions : name => concat(
      [{
        Sid    = "OwnLogGroup"
        Effect = "Allow"
        # No logs:CreateLogGroup: Terraform owns the group (and its retention).
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this[name].arn}:*"
      }],
      # One statement per table, with exactly the item actions the function's code sends to it
      # (a TransactWriteItems needs the action of each item it holds). No index ARNs: no code
      # queries an index.
      [
        for k in sort(keys(f.tables)) : {
          Sid      = "Table${join("", [for part in split("-", k) : title(part)])}"
          Effect   = "Allow"
          Action   = sort(f.tables[k].actions)
          Resource = f.tables[k].arn
        }
      ],
      f.publishes ? [{
        Sid      = "PublishEvents"
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = var.topic_arn
      }] : [],
      f.queue == null ? [] : [{
        Sid    = "ConsumeOwnQueue"
        Effect = "Allow"
        # What Lambda's poller uses (the AWSLambdaSQSQueueExecutionRole set); the code itself never calls SQS.
        Action   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
        Resource = f.queue.arn
      }],
      f.stream == null ? [] : [{
        Sid    = "ReadOwnStream"
        Effect = "Allow"
        # What a stream event source mapping needs, on the one stream it reads.
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        Resource = f.stream.arn
      }],
      f.stream == null ? [] : [{
        Sid    = "ListStreams"
        Effect = "Allow"
        # Also needed by the mapping, and authorised by IAM on "*" only (it names no stream): granted
        # on the stream's ARN, as it was, it allowed nothing.
        Action   = "dynamodb:ListStreams"
        Resource = "*"
      }],
      try(f.stream.on_failure_destination_arn, null) == null ? [] : [{
        Sid      = "SendStreamFailures"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = f.stream.on_failure_destination_arn
      }],
      f.sends_email ? [{
        Sid      = "SendEmailAsSender"
        Effect   = "Allow"
        Action   = "ses:SendEmail"
        Resource = var.email_identity_arn
      }] : [],
      # In the sandbox SES authorises the send on each recipient's identity as well: without this a
      # new account's every email is refused (AccessDenied), however verified its recipients are.
      f.sends_email && var.ses_sandbox ? [{
        Sid       = "SendEmailToVerifiedRecipients"
        Effect    = "Allow"
        Action    = "ses:SendEmail"
        Resource  = "${regex("^(.*:identity/)", var.email_identity_arn)[0]}*"
        Condition = { StringEquals = { "ses:FromAddress" = element(split("identity/", var.email_identity_arn), 1) } }
      }] : [],
    )
  }

  policies = {
    for name, statements in local.policy_statements : name => jsonencode({ Version = "2012-10-17", Statement = statements })
  }
}

resource "aws_iam_role" "this" {
  for_each = var.functions

  name = "${var.name_prefix}${each.key}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = var.functions

  name   = "${each.key}-least-privilege"
  role   = aws_iam_role.this[each.key].id
  policy = local.policies[each.key]

  lifecycle {
    precondition {
      condition     = !each.value.publishes || var.topic_arn != null
      error_message = "Function ${each.key} publishes, but topic_arn is not set."
    }
    precondition {
      condition     = !each.value.sends_email || var.email_identity_arn != null
      error_message = "Function ${each.key} sends email, but email_identity_arn is not set."
    }
  }
}
