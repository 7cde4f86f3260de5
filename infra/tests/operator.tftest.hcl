# modules/operator: the role the operator tools run as against AWS. Its actions are the calls
# local/ops/status.ts and local/ops/dlq/*.ts make (every SDK command they send), each on this
# stack's resources only. Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

variables {
  name_prefix   = "staging-"
  topic_arn     = "arn:aws:sns:us-east-1:000000000000:staging-order-events"
  queue_arns    = ["arn:aws:sqs:us-east-1:000000000000:staging-b-queue", "arn:aws:sqs:us-east-1:000000000000:staging-a-queue"]
  dlq_arn       = "arn:aws:sqs:us-east-1:000000000000:staging-order-processing-dlq"
  table_arns    = ["arn:aws:dynamodb:us-east-1:000000000000:table/staging-orders"]
  function_arns = ["arn:aws:lambda:us-east-1:000000000000:function:staging-order-api"]
  rest_api_id   = "abc123"

  orders_table_arn        = "arn:aws:dynamodb:us-east-1:000000000000:table/staging-orders"
  notifications_table_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/staging-notifications"
  notification_queue_arn  = "arn:aws:sqs:us-east-1:000000000000:staging-notification-queue"
}

run "the_operator_tools_get_exactly_their_calls" {
  command = plan
  module {
    source = "./modules/operator"
  }

  # status.ts: ListSubscriptionsByTopic, GetSubscriptionAttributes, GetQueueAttributes, DescribeTable,
  # ListEventSourceMappings, GetFunctionConfiguration, API Gateway's GetStages/GetResources (GET),
  # and without a state GetQueueUrl, ListDeadLetterSourceQueues, ListSubscriptions, GetRestApis,
  # ListTables. dlq/*.ts: GetQueueUrl, GetQueueAttributes, ListDeadLetterSourceQueues,
  # ListSubscriptions, GetSubscriptionAttributes, ReceiveMessage, ChangeMessageVisibilityBatch,
  # SendMessageBatch, DeleteMessageBatch.
  assert {
    condition = jsonencode({ for s in jsondecode(output.policy).Statement : s.Sid => sort(flatten([s.Action])) }) == jsonencode({
      ListWhatTakesNoResource = ["dynamodb:ListTables", "lambda:ListEventSourceMappings", "lambda:ListFunctions", "sns:GetSubscriptionAttributes", "sns:ListSubscriptions"]
      ReadTheTopic            = ["sns:ListSubscriptionsByTopic"]
      ReadTheQueues           = ["sqs:GetQueueAttributes"]
      InspectTheDlq           = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:ReceiveMessage"]
      RedriveToTheQueues      = ["sqs:SendMessage"]
      DescribeTheTables       = ["dynamodb:DescribeTable"]
      ReadTheFunctions        = ["lambda:GetFunctionConfiguration"]
      ReadTheApi              = ["apigateway:GET"]
      # notifications-resend: its reads, its conditional claim, its send to notification-queue
      # (never sns:Publish: the topic admits only the functions).
      ResendFailedNotificationsRead    = ["dynamodb:Query"]
      ResendFailedNotificationsClaim   = ["dynamodb:UpdateItem"]
      ResendFailedNotificationsDeliver = ["sqs:GetQueueUrl", "sqs:SendMessage"]
    })
    error_message = "The operator role's actions differ from the calls the operator tools make."
  }

  assert {
    condition = jsonencode({ for s in jsondecode(output.policy).Statement : s.Sid => flatten([s.Resource]) }) == jsonencode({
      ListWhatTakesNoResource          = ["*"]
      ReadTheTopic                     = [var.topic_arn]
      ReadTheQueues                    = ["arn:aws:sqs:us-east-1:000000000000:staging-a-queue", "arn:aws:sqs:us-east-1:000000000000:staging-b-queue", var.dlq_arn]
      InspectTheDlq                    = [var.dlq_arn]
      RedriveToTheQueues               = ["arn:aws:sqs:us-east-1:000000000000:staging-a-queue", "arn:aws:sqs:us-east-1:000000000000:staging-b-queue"]
      DescribeTheTables                = var.table_arns
      ReadTheFunctions                 = var.function_arns
      ReadTheApi                       = ["arn:aws:apigateway:us-east-1::/restapis", "arn:aws:apigateway:us-east-1::/restapis/abc123/resources", "arn:aws:apigateway:us-east-1::/restapis/abc123/stages"]
      ResendFailedNotificationsRead    = [var.orders_table_arn, var.notifications_table_arn]
      ResendFailedNotificationsClaim   = [var.notifications_table_arn]
      ResendFailedNotificationsDeliver = [var.notification_queue_arn]
    })
    error_message = "The operator role may touch this stack's resources only (and \"*\" only for calls AWS authorises on nothing else)."
  }

  # Nothing that changes the stack: no write besides moving DLQ messages back to their queues.
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.policy).Statement : [for a in flatten([s.Action]) : !strcontains(a, "*") && !contains(["sqs:SendMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "dynamodb:UpdateItem"], a) || contains(["RedriveToTheQueues", "InspectTheDlq", "ResendFailedNotificationsClaim", "ResendFailedNotificationsDeliver"], s.Sid)]
    ]))
    error_message = "Only the DLQ tools' and the re-send's statements may move messages or write."
  }

  assert {
    condition     = aws_iam_role.operator.name == "staging-order-fanout-operator" && jsondecode(aws_iam_role.operator.assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::000000000000:root"]
    error_message = "By default the account's principals may assume the prefixed role."
  }
}

run "trusted_principals_replace_the_account" {
  command = plan
  module {
    source = "./modules/operator"
  }
  variables {
    trusted_principal_arns = ["arn:aws:iam::000000000000:role/oncall"]
  }

  assert {
    condition     = jsondecode(aws_iam_role.operator.assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::000000000000:role/oncall"]
    error_message = "Only the trusted principals may assume the role."
  }
}

run "the_dlq_must_be_a_queue" {
  command = plan
  module {
    source = "./modules/operator"
  }
  variables {
    dlq_arn = "arn:aws:sns:us-east-1:000000000000:staging-order-events"
  }
  expect_failures = [var.dlq_arn]
}

run "session_duration_range" {
  command = plan
  module {
    source = "./modules/operator"
  }
  variables {
    max_session_duration = 60
  }
  expect_failures = [var.max_session_duration]
}
