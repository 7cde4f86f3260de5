# The operator role (modules/operator), planned against a mock provider: exactly the calls the
# operator tools make, on exactly the resources they touch.

mock_provider "aws" {}

variables {
  name_prefix             = "staging-"
  trusted_principal_arns  = ["arn:aws:iam::000000000000:role/oncall"]
  orders_table_arn        = "arn:aws:dynamodb:us-east-1:000000000000:table/staging-orders"
  notifications_table_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/staging-notifications"
  notification_queue_arn  = "arn:aws:sqs:us-east-1:000000000000:staging-notification-queue"
}

run "the_resend_of_failed_notifications_may_make_exactly_its_calls" {
  command = plan
  module {
    source = "./modules/operator"
  }

  assert {
    condition = jsonencode({ for s in jsondecode(output.policy).Statement : s.Sid => { a = sort(flatten([s.Action])), r = sort(flatten([s.Resource])) } }) == jsonencode({
      ResendFailedNotificationsRead    = { a = ["dynamodb:Query"], r = sort([var.orders_table_arn, var.notifications_table_arn]) }
      ResendFailedNotificationsClaim   = { a = ["dynamodb:UpdateItem"], r = [var.notifications_table_arn] }
      ResendFailedNotificationsDeliver = { a = ["sqs:GetQueueUrl", "sqs:SendMessage"], r = [var.notification_queue_arn] }
    })
    error_message = "The operator role must grant the re-send its reads, its conditional claim and its send to notification-queue, and nothing else (never sns:Publish: the topic admits only the functions)."
  }

  assert {
    condition     = output.role_name == "staging-order-fanout-operator"
    error_message = "The role's name must carry name_prefix."
  }
}

run "trusted_principals_must_be_iam_arns" {
  command = plan
  module {
    source = "./modules/operator"
  }
  variables {
    trusted_principal_arns = ["oncall"]
  }
  expect_failures = [var.trusted_principal_arns]
}
