# modules/messaging on its own: encryption, redrive, queue policies, subscriptions, DLQ alarm,
# and each validation block. Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

override_resource {
  target          = aws_sns_topic.this
  override_during = plan
  values = {
    arn = "arn:aws:sns:us-east-1:000000000000:order-events"
  }
}

override_resource {
  target          = aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:order-processing-dlq"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/order-processing-dlq"
  }
}

override_resource {
  target          = aws_sqs_queue.this["a-queue"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:a-queue"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/a-queue"
  }
}

override_resource {
  target          = aws_sqs_queue.this["b-queue"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:b-queue"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/b-queue"
  }
}

variables {
  queues = {
    a-queue = { event_types = ["OrderPlaced", "PaymentDeclined"], visibility_timeout_seconds = 60 }
    b-queue = { event_types = ["OrderPlaced"] }
  }
  max_receive_count = 4
}

run "topic_and_queues_are_encrypted" {
  command = plan
  module {
    source = "./modules/messaging"
  }

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == "alias/aws/sns"
    error_message = "The topic must be encrypted with alias/aws/sns."
  }

  assert {
    condition     = alltrue([for q in values(aws_sqs_queue.this) : q.sqs_managed_sse_enabled && q.kms_master_key_id == null]) && aws_sqs_queue.dlq.sqs_managed_sse_enabled
    error_message = "Queues must use SSE-SQS (SNS cannot deliver to queues under the aws/sqs KMS key)."
  }
}

run "every_queue_redrives_to_the_dlq" {
  command = plan
  module {
    source = "./modules/messaging"
  }

  # On the queue itself, set when it is created: no separate aws_sqs_queue_redrive_policy step.
  assert {
    condition = alltrue([
      for q in keys(var.queues) : jsondecode(aws_sqs_queue.this[q].redrive_policy) == {
        deadLetterTargetArn = "arn:aws:sqs:us-east-1:000000000000:order-processing-dlq"
        maxReceiveCount     = 4
      }
    ])
    error_message = "Every queue must redrive to the DLQ after max_receive_count receives."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.dlq.redrive_allow_policy) == {
      redrivePermission = "byQueue"
      sourceQueueArns   = ["arn:aws:sqs:us-east-1:000000000000:a-queue", "arn:aws:sqs:us-east-1:000000000000:b-queue"]
    }
    error_message = "Only our queues may use the DLQ."
  }

  # The allow policy names the queues by ARNs built before they exist: they must be the ARNs the
  # queues get (here, the overridden ones).
  assert {
    condition     = jsondecode(aws_sqs_queue.dlq.redrive_allow_policy).sourceQueueArns == [for q in sort(keys(var.queues)) : aws_sqs_queue.this[q].arn]
    error_message = "The DLQ's allow policy must name the queues' actual ARNs."
  }

  assert {
    condition     = aws_sqs_queue.this["a-queue"].visibility_timeout_seconds == 60 && aws_sqs_queue.dlq.message_retention_seconds == 1209600
    error_message = "Visibility timeout or DLQ retention not applied."
  }
}

run "queue_policies_admit_only_the_topic" {
  command = plan
  module {
    source = "./modules/messaging"
  }

  # On the queue itself: no separate aws_sqs_queue_policy step.
  assert {
    condition = alltrue([
      for q in keys(var.queues) : jsondecode(aws_sqs_queue.this[q].policy).Statement == [{
        Sid       = "AllowOrderEventsTopic"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.this[q].arn
        Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:us-east-1:000000000000:order-events" } }
      }]
    ])
    error_message = "A queue policy admits something other than the topic, or names another queue."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this["a-queue"].policy).Statement[0].Resource == "arn:aws:sqs:us-east-1:000000000000:a-queue"
    error_message = "The queue policy must name the queue's ARN."
  }
}

run "subscriptions_filter_and_deliver_raw" {
  command = plan
  module {
    source = "./modules/messaging"
  }

  assert {
    condition = alltrue([
      for q, s in aws_sns_topic_subscription.this :
      s.protocol == "sqs" && s.raw_message_delivery && s.filter_policy_scope == "MessageAttributes" && s.endpoint == aws_sqs_queue.this[q].arn
    ])
    error_message = "Subscriptions must be raw SQS deliveries filtered on message attributes."
  }

  assert {
    condition     = jsondecode(aws_sns_topic_subscription.this["a-queue"].filter_policy) == { eventType = ["OrderPlaced", "PaymentDeclined"] }
    error_message = "Filter policy must list the queue's event types under eventType."
  }
}

run "dlq_alarm_exists" {
  command = plan
  module {
    source = "./modules/messaging"
  }

  variables {
    alarm_actions = ["arn:aws:sns:us-east-1:000000000000:on-call"]
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.dlq_not_empty.namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty.metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty.dimensions == tomap({ QueueName = "order-processing-dlq" }) &&
      aws_cloudwatch_metric_alarm.dlq_not_empty.comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.dlq_not_empty.threshold == 0 &&
      aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_actions == toset(["arn:aws:sns:us-east-1:000000000000:on-call"])
    )
    error_message = "The DLQ alarm must fire when ApproximateNumberOfMessagesVisible > 0."
  }

  assert {
    condition = keys(aws_cloudwatch_metric_alarm.oldest_message_age) == ["a-queue", "b-queue"] && alltrue([
      for q, a in aws_cloudwatch_metric_alarm.oldest_message_age :
      a.metric_name == "ApproximateAgeOfOldestMessage" && a.dimensions == tomap({ QueueName = q }) && a.threshold == 300 &&
      a.alarm_actions == toset(["arn:aws:sns:us-east-1:000000000000:on-call"])
    ])
    error_message = "Each queue needs an alarm on the age of its oldest message."
  }
}

# The ARNs the queues get in a prefixed environment carry the prefix, as AWS names them: the
# file's unprefixed overrides would let an ARN built from the bare key pass unseen.
run "names_carry_the_prefix" {
  command = plan
  module {
    source = "./modules/messaging"
  }
  variables {
    name_prefix = "staging-"
  }

  override_resource {
    target          = aws_sns_topic.this
    override_during = plan
    values = {
      arn = "arn:aws:sns:us-east-1:000000000000:staging-order-events"
    }
  }

  override_resource {
    target          = aws_sqs_queue.dlq
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-order-processing-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-order-processing-dlq"
    }
  }

  override_resource {
    target          = aws_sqs_queue.this["a-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-a-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-a-queue"
    }
  }

  override_resource {
    target          = aws_sqs_queue.this["b-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-b-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-b-queue"
    }
  }

  # What the queues' own policies, the DLQ's allow policy and the callers' IAM policies name
  # before the queues exist must be the ARNs the queues get.
  assert {
    condition = (
      output.queue_arns_at_plan == output.queue_arns && output.dlq_arn_at_plan == output.dlq_arn &&
      jsondecode(aws_sqs_queue.dlq.redrive_allow_policy).sourceQueueArns == ["arn:aws:sqs:us-east-1:000000000000:staging-a-queue", "arn:aws:sqs:us-east-1:000000000000:staging-b-queue"] &&
      alltrue([for q in keys(var.queues) : jsondecode(aws_sqs_queue.this[q].policy).Statement[0].Resource == aws_sqs_queue.this[q].arn])
    )
    error_message = "An ARN built at plan time misses name_prefix: it names a queue that does not exist."
  }

  assert {
    condition = (
      aws_sns_topic.this.name == "staging-order-events" && aws_sqs_queue.dlq.name == "staging-order-processing-dlq" &&
      [for q in values(aws_sqs_queue.this) : q.name] == ["staging-a-queue", "staging-b-queue"] &&
      aws_cloudwatch_metric_alarm.dlq_not_empty.alarm_name == "staging-order-processing-dlq-not-empty" &&
      [for a in values(aws_cloudwatch_metric_alarm.oldest_message_age) : a.alarm_name] == ["staging-a-queue-oldest-message-age", "staging-b-queue-oldest-message-age"]
    )
    error_message = "Every name must carry name_prefix."
  }
}

run "only_the_publishers_may_publish" {
  command = plan
  module {
    source = "./modules/messaging"
  }
  variables {
    publisher_role_arns = ["arn:aws:iam::000000000000:role/inventory-lambda", "arn:aws:iam::000000000000:role/billing-lambda"]
  }
  assert {
    condition = jsondecode(aws_sns_topic_policy.this[0].policy).Statement == [
      {
        Sid       = "PublishersOnly"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::000000000000:role/inventory-lambda", "arn:aws:iam::000000000000:role/billing-lambda"] }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:000000000000:order-events"
      },
      {
        Sid       = "NobodyElsePublishes"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "sns:Publish"
        Resource  = "arn:aws:sns:us-east-1:000000000000:order-events"
        Condition = { ArnNotEquals = { "aws:PrincipalArn" = ["arn:aws:iam::000000000000:role/inventory-lambda", "arn:aws:iam::000000000000:role/billing-lambda"] } }
      },
    ]
    error_message = "The topic policy must let the publishers' roles publish, and deny everyone else."
  }
}

run "max_receive_count_must_be_at_least_one" {
  command = plan
  module {
    source = "./modules/messaging"
  }
  variables {
    max_receive_count = 0
  }
  expect_failures = [var.max_receive_count]
}

run "max_receive_count_must_be_whole" {
  command = plan
  module {
    source = "./modules/messaging"
  }
  variables {
    max_receive_count = 2.5
  }
  expect_failures = [var.max_receive_count]
}

run "queues_need_event_types" {
  command = plan
  module {
    source = "./modules/messaging"
  }
  variables {
    queues = { a-queue = { event_types = [] } }
  }
  expect_failures = [var.queues]
}

run "visibility_timeout_range" {
  command = plan
  module {
    source = "./modules/messaging"
  }
  variables {
    queues = { a-queue = { event_types = ["OrderPlaced"], visibility_timeout_seconds = 50000 } }
  }
  expect_failures = [var.queues]
}
