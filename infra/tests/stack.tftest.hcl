# The pipeline as wired by modules/order-fanout (what both envs deploy), planned against a
# mock provider; override_resource (override_during = plan) supplies the ARNs that policies
# need at plan time, so each policy can be compared with the ARNs it must name.
# Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

# ARNs that the IAM policies and outputs need at plan time, each distinct so that a policy
# naming another function's table would be caught.
override_resource {
  target          = module.tables.aws_dynamodb_table.this["orders"]
  override_during = plan
  values = {
    arn        = "arn:aws:dynamodb:us-east-1:000000000000:table/orders"
    stream_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-25T09:00:00.000"
  }
}

override_resource {
  target          = module.tables.aws_dynamodb_table.this["inventory"]
  override_during = plan
  values = {
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/inventory"
  }
}

override_resource {
  target          = module.tables.aws_dynamodb_table.this["notifications"]
  override_during = plan
  values = {
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/notifications"
  }
}

override_resource {
  target          = module.tables.aws_dynamodb_table.this["billing"]
  override_during = plan
  values = {
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/billing"
  }
}

override_resource {
  target          = module.tables.aws_dynamodb_table.this["idempotency"]
  override_during = plan
  values = {
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/idempotency"
  }
}

override_resource {
  target          = module.tables.aws_dynamodb_table.this["inventory-reservations"]
  override_during = plan
  values = {
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/inventory-reservations"
  }
}

override_resource {
  target          = module.messaging.aws_sqs_queue.this["inventory-queue"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:inventory-queue"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/inventory-queue"
  }
}

override_resource {
  target          = module.messaging.aws_sqs_queue.this["billing-queue"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:billing-queue"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/billing-queue"
  }
}

override_resource {
  target          = module.messaging.aws_sqs_queue.this["notification-queue"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:notification-queue"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/notification-queue"
  }
}

override_resource {
  target          = module.messaging.aws_sqs_queue.this["order-status-queue"]
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:order-status-queue"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/order-status-queue"
  }
}

override_resource {
  target          = module.messaging.aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:us-east-1:000000000000:order-processing-dlq"
    url = "https://sqs.us-east-1.amazonaws.com/000000000000/order-processing-dlq"
  }
}

override_resource {
  target          = module.messaging.aws_sns_topic.this
  override_during = plan
  values = {
    arn = "arn:aws:sns:us-east-1:000000000000:order-events"
  }
}

override_resource {
  target          = module.email.aws_sesv2_email_identity.sender
  override_during = plan
  values = {
    arn = "arn:aws:ses:us-east-1:000000000000:identity/orders@example.com"
  }
}

override_resource {
  target          = module.functions.aws_cloudwatch_log_group.this["order-api"]
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/order-api"
  }
}

override_resource {
  target          = module.functions.aws_cloudwatch_log_group.this["order-publisher"]
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/order-publisher"
  }
}

override_resource {
  target          = module.functions.aws_cloudwatch_log_group.this["inventory"]
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/inventory"
  }
}

override_resource {
  target          = module.functions.aws_cloudwatch_log_group.this["billing"]
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/billing"
  }
}

override_resource {
  target          = module.functions.aws_cloudwatch_log_group.this["notification"]
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/notification"
  }
}

override_resource {
  target          = module.functions.aws_cloudwatch_log_group.this["order-status"]
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/order-status"
  }
}

override_resource {
  target          = module.alerts.aws_sns_topic.alerts
  override_during = plan
  values = {
    arn = "arn:aws:sns:us-east-1:000000000000:order-fanout-alerts"
  }
}

override_resource {
  target          = module.functions.aws_iam_role.this["order-api"]
  override_during = plan
  values = {
    arn = "arn:aws:iam::000000000000:role/order-api-lambda"
  }
}

override_resource {
  target          = module.functions.aws_iam_role.this["order-publisher"]
  override_during = plan
  values = {
    arn = "arn:aws:iam::000000000000:role/order-publisher-lambda"
  }
}

override_resource {
  target          = module.functions.aws_iam_role.this["inventory"]
  override_during = plan
  values = {
    arn = "arn:aws:iam::000000000000:role/inventory-lambda"
  }
}

override_resource {
  target          = module.functions.aws_iam_role.this["billing"]
  override_during = plan
  values = {
    arn = "arn:aws:iam::000000000000:role/billing-lambda"
  }
}

override_resource {
  target          = module.functions.aws_iam_role.this["notification"]
  override_during = plan
  values = {
    arn = "arn:aws:iam::000000000000:role/notification-lambda"
  }
}

override_resource {
  target          = module.functions.aws_iam_role.this["order-sweeper"]
  override_during = plan
  values = {
    arn = "arn:aws:iam::000000000000:role/order-sweeper-lambda"
  }
}

override_resource {
  target          = module.functions.aws_cloudwatch_log_group.this["order-sweeper"]
  override_during = plan
  values = {
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/order-sweeper"
  }
}

override_resource {
  target          = module.functions.aws_iam_role.this["order-status"]
  override_during = plan
  values = {
    arn = "arn:aws:iam::000000000000:role/order-status-lambda"
  }
}

variables {
  dist_dir = "tests/fixtures/lambda-zips"
}

run "tables_keep_the_contract_keys" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  assert {
    condition = jsonencode({ for k, t in module.tables.key_schemas : k => { hash_key = t.hash_key, range_key = t.range_key, ttl_attribute = t.ttl_attribute } }) == jsonencode({
      orders                 = { hash_key = "orderId", range_key = "createdAt", ttl_attribute = null }
      inventory              = { hash_key = "productId", range_key = null, ttl_attribute = null }
      notifications          = { hash_key = "notificationId", range_key = "createdAt", ttl_attribute = null }
      billing                = { hash_key = "billingId", range_key = "orderId", ttl_attribute = null }
      idempotency            = { hash_key = "idempotencyKey", range_key = null, ttl_attribute = "expiresAt" }
      inventory-reservations = { hash_key = "orderId", range_key = null, ttl_attribute = null }
    })
    error_message = "Table keys differ from the contract (docs/api.md, Contracts)."
  }
}

run "filter_policies_match_the_contract" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  # Every queue of the routing contract, subscribed with a filter policy of exactly its event types.
  assert {
    # As JSON text on both sides: a decoded policy holds a tuple, sort() gives a list, and == tells them apart.
    condition = jsonencode({ for q, s in module.messaging.subscriptions : q => jsondecode(s.filter_policy) }) == jsonencode({
      for q, r in jsondecode(file("modules/order-fanout/routing.json")).queues : q => { eventType = sort(r.event_types) }
    })
    error_message = "Filter policies differ from the routing contract (modules/order-fanout/routing.json)."
  }

  assert {
    condition     = alltrue([for s in values(module.messaging.subscriptions) : s.raw_message_delivery && s.filter_policy_scope == "MessageAttributes"])
    error_message = "Every subscription must use raw delivery and filter on message attributes."
  }
}

run "every_mapping_reports_batch_item_failures" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  assert {
    condition     = keys(output.event_source_mappings) == ["billing", "inventory", "notification", "order-status"]
    error_message = "Expected one mapping per consumer."
  }

  assert {
    condition     = alltrue([for m in values(output.event_source_mappings) : m.function_response_types == toset(["ReportBatchItemFailures"])])
    error_message = "Every mapping must have FunctionResponseTypes [ReportBatchItemFailures]."
  }

  assert {
    condition = alltrue([
      for f, q in { inventory = "inventory-queue", billing = "billing-queue", notification = "notification-queue", order-status = "order-status-queue" } :
      output.event_source_mappings[f].event_source_arn == output.queue_arns[q]
    ])
    error_message = "Each consumer must read its own queue."
  }
}

run "the_outbox_announces_new_orders_from_the_orders_stream" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  assert {
    condition     = keys(module.tables.stream_arns) == ["orders"]
    error_message = "Only the orders table has a stream (the outbox)."
  }

  assert {
    condition     = keys(output.stream_event_source_mappings) == ["order-publisher"]
    error_message = "order-publisher, and only it, reads a stream."
  }

  assert {
    condition = (
      output.stream_event_source_mappings["order-publisher"].event_source_arn == module.tables.stream_arns["orders"] &&
      output.stream_event_source_mappings["order-publisher"].starting_position == "TRIM_HORIZON" &&
      output.stream_event_source_mappings["order-publisher"].function_response_types == toset(["ReportBatchItemFailures"]) &&
      output.stream_event_source_mappings["order-publisher"].bisect_batch_on_function_error == true
    )
    error_message = "order-publisher must read the orders stream from its oldest record, resume from the reported failure and bisect a failing batch."
  }

  # Only inserts: order-status's updates of the same items must never reach the publisher.
  assert {
    condition     = [for p in output.stream_event_source_mappings["order-publisher"].filter_patterns : jsondecode(p)] == [{ eventName = ["INSERT"] }]
    error_message = "The stream mapping must pass only INSERTs."
  }

  # The outbox blocks, never drops: a bounded budget would describe a batch of stored orders to the
  # DLQ and leave them PLACED for ever. Only the stream's retention ends the retries.
  assert {
    condition = (
      output.stream_event_source_mappings["order-publisher"].maximum_retry_attempts == -1 &&
      output.stream_event_source_mappings["order-publisher"].maximum_record_age_in_seconds == -1 &&
      output.stream_event_source_mappings["order-publisher"].on_failure_destination_arn == output.dlq_arn
    )
    error_message = "order-publisher's mapping must retry until the stream's retention (attempts and record age -1), and describe to the DLQ only what the stream expires."
  }

  assert {
    condition = (
      module.functions.iterator_age_alarms["order-publisher"].metric_name == "IteratorAge" &&
      module.functions.iterator_age_alarms["order-publisher"].namespace == "AWS/Lambda" &&
      module.functions.iterator_age_alarms["order-publisher"].statistic == "Maximum" &&
      module.functions.iterator_age_alarms["order-publisher"].threshold == 300000 &&
      contains(module.functions.iterator_age_alarms["order-publisher"].alarm_actions, output.alerts_topic_arn)
    )
    error_message = "An alarm on order-publisher's IteratorAge (Maximum, > 300 s by default) must reach the alerts topic."
  }

  # The function sets aside what is not an order itself: it needs the DLQ's URL, and its role the send.
  assert {
    condition = (
      module.functions.environments["order-publisher"].DEAD_LETTER_QUEUE_ARN == output.dlq_arn &&
      contains([for s in jsondecode(output.iam_policies["order-publisher"]).Statement : s.Resource if s.Sid == "SendStreamFailures"], output.dlq_arn)
    )
    error_message = "order-publisher must know the DLQ's ARN and may send to it (records that are not orders are set aside there)."
  }
}

run "the_outbox_alarm_fires_before_the_stream_drops_a_record" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    outbox_iterator_age_alarm_seconds = 86400
  }
  expect_failures = [var.outbox_iterator_age_alarm_seconds]
}

run "policies_name_only_their_own_resources" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  # Every Resource of every statement, per function.
  assert {
    condition = alltrue([
      for f, expected in {
        order-api       = ["orders", "inventory", "idempotency"]
        order-publisher = ["stream:orders", "topic", "dlq"]
        inventory       = ["inventory", "inventory-reservations", "topic", "queue:inventory-queue"]
        billing         = ["billing", "topic", "queue:billing-queue"]
        notification    = ["notifications", "topic", "queue:notification-queue", "ses"]
        order-status    = ["orders", "topic", "queue:order-status-queue"]
        order-sweeper   = ["index:orders/placed-orders", "topic"]
      } :
      toset(flatten([
        # ListStreams names no stream: IAM authorises it on "*" only.
        for s in jsondecode(output.iam_policies[f]).Statement : s.Resource if !contains(["OwnLogGroup", "ListStreams"], s.Sid)
        ])) == toset(flatten([
        for e in expected : (
          e == "topic" ? [output.topic_arn] :
          e == "ses" ? [module.email.identity_arn] :
          e == "dlq" ? [output.dlq_arn] :
          startswith(e, "stream:") ? [module.tables.stream_arns[trimprefix(e, "stream:")]] :
          startswith(e, "queue:") ? [output.queue_arns[trimprefix(e, "queue:")]] :
          startswith(e, "index:") ? ["${output.table_arns[split("/", trimprefix(e, "index:"))[0]]}/index/${split("/", e)[1]}"] :
          [output.table_arns[e]]
        )
      ]))
    ])
    error_message = "A function's policy names a table, queue, topic or identity it does not own."
  }

  assert {
    condition = alltrue([
      for f, p in output.iam_policies : [for s in jsondecode(p).Statement : s.Resource if s.Sid == "OwnLogGroup"] == ["${module.functions.log_group_arns[f]}:*"]
    ])
    error_message = "Each function may write only to its own log group."
  }

  assert {
    condition = alltrue(flatten([
      for p in values(output.iam_policies) : [
        for s in jsondecode(p).Statement : [for a in flatten([s.Action]) : !strcontains(a, "*")]
      ]
    ]))
    error_message = "No IAM statement may use a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for p in values(output.iam_policies) : [
        for s in jsondecode(p).Statement : s.Effect == "Allow" && (!contains(flatten([s.Resource]), "*") || flatten([s.Action]) == ["dynamodb:ListStreams"])
      ]
    ]))
    error_message = "No IAM statement may use Resource \"*\" (but dynamodb:ListStreams, which IAM authorises on \"*\" only)."
  }
}

# Least privilege without leftovers: each function's grants are exactly the calls its code makes
# (functions/*/dynamo-*.ts, shared/order-record.ts's Query, the publisher, SES) and what Lambda
# itself needs (logs; the SQS poller's Receive/Delete/GetQueueAttributes). A grant added or left
# behind fails here.
run "each_function_has_exactly_the_actions_its_code_uses" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  assert {
    condition = jsonencode({
      for f, p in output.iam_policies : f => { for s in jsondecode(p).Statement : s.Sid => sort(flatten([s.Action])) }
      }) == jsonencode({
      order-api = {
        OwnLogGroup      = ["logs:CreateLogStream", "logs:PutLogEvents"]
        TableOrders      = ["dynamodb:PutItem", "dynamodb:Query"]
        TableInventory   = ["dynamodb:BatchGetItem"]
        TableIdempotency = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem"]
      }
      order-publisher = {
        OwnLogGroup        = ["logs:CreateLogStream", "logs:PutLogEvents"]
        PublishEvents      = ["sns:Publish"]
        ReadOwnStream      = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
        ListStreams        = ["dynamodb:ListStreams"]
        SendStreamFailures = ["sqs:SendMessage"]
      }
      inventory = {
        OwnLogGroup                = ["logs:CreateLogStream", "logs:PutLogEvents"]
        TableInventory             = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
        TableInventoryReservations = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
        PublishEvents              = ["sns:Publish"]
        ConsumeOwnQueue            = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      }
      billing = {
        OwnLogGroup     = ["logs:CreateLogStream", "logs:PutLogEvents"]
        TableBilling    = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
        PublishEvents   = ["sns:Publish"]
        ConsumeOwnQueue = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      }
      notification = {
        OwnLogGroup        = ["logs:CreateLogStream", "logs:PutLogEvents"]
        TableNotifications = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
        PublishEvents      = ["sns:Publish"]
        ConsumeOwnQueue    = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
        SendEmailAsSender  = ["ses:SendEmail"]
      }
      order-status = {
        OwnLogGroup     = ["logs:CreateLogStream", "logs:PutLogEvents"]
        TableOrders     = ["dynamodb:Query", "dynamodb:UpdateItem"]
        PublishEvents   = ["sns:Publish"]
        ConsumeOwnQueue = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      }
      order-sweeper = {
        OwnLogGroup            = ["logs:CreateLogStream", "logs:PutLogEvents"]
        TableOrdersPlacedIndex = ["dynamodb:Query"]
        PublishEvents          = ["sns:Publish"]
      }
    })
    error_message = "A function's grants differ from the calls its code makes."
  }

  assert {
    condition = jsonencode([
      for s in jsondecode(output.iam_policies["order-api"]).Statement : s.Action if s.Resource == output.table_arns["inventory"]
    ]) == jsonencode([["dynamodb:BatchGetItem"]])
    error_message = "order-api may only read prices from the inventory table, never write stock."
  }

  # functions/order-api/dynamo-products-and-keys.ts reads the products and the Idempotency-Key in one
  # BatchGetItem: AWS authorises it on each table it names, and denies the whole call otherwise.
  assert {
    condition = alltrue([
      for t in ["inventory", "idempotency"] : anytrue([
        for s in jsondecode(output.iam_policies["order-api"]).Statement : s.Resource == output.table_arns[t] && contains(flatten([s.Action]), "dynamodb:BatchGetItem")
      ])
    ])
    error_message = "order-api's one BatchGetItem names the inventory and the idempotency tables: both must grant it."
  }
}

run "consumers_are_bounded" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    function_settings              = { billing = { maximum_concurrency = 8 } }
    order_api_reserved_concurrency = 50
  }

  assert {
    condition     = { for f, m in output.event_source_mappings : f => m.maximum_concurrency } == { inventory = 5, billing = 8, notification = 2, order-status = 5 }
    error_message = "Every mapping must have a maximum concurrency (the defaults, or the setting)."
  }

  assert {
    condition     = output.reserved_concurrency["order-api"] == 50 && alltrue([for f, r in output.reserved_concurrency : r == -1 if f != "order-api"])
    error_message = "Only order-api may get reserved concurrency."
  }
}

run "every_alarm_notifies_the_alerts_topic" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    alarm_actions = ["arn:aws:sns:us-east-1:000000000000:on-call"]
  }

  assert {
    condition = toset(keys(output.alarms)) == toset(concat(
      ["order-processing-dlq-not-empty", "orders-stuck-placed", "payment-mismatches", "order-publisher-iterator-age"],
      [for q in ["inventory-queue", "billing-queue", "notification-queue", "order-status-queue"] : "${q}-oldest-message-age"],
      flatten([for f in ["order-api", "order-publisher", "inventory", "billing", "notification", "order-status", "order-sweeper"] : ["${f}-errors", "${f}-throttles"]]),
    ))
    error_message = "Missing alarms: the DLQ, each queue's oldest message, each function's errors and throttles, stuck orders, payment mismatches."
  }

  assert {
    condition = alltrue([
      for a in values(output.alarms) : contains(a.alarm_actions, output.alerts_topic_arn) && contains(a.alarm_actions, "arn:aws:sns:us-east-1:000000000000:on-call") && contains(a.ok_actions, output.alerts_topic_arn)
    ])
    error_message = "Every alarm must notify the alerts topic (and the extra actions)."
  }
}

# envs/aws runs with a name_prefix: every ARN the policies name before the queues exist must be
# the ARN the queue gets. Built from the bare names, the consumers' grants, the outbox's on-failure
# grant, the queues' own policies and the DLQ's allow policy (tests/messaging.tftest.hcl) named queues
# that do not exist, and the functions module's preconditions stopped the apply halfway.
run "a_prefixed_stack_names_the_queues_it_creates" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    name_prefix         = "staging-"
    stuck_order_seconds = 600
  }

  # A prefixed stack's queues get prefixed ARNs: the file's unprefixed overrides would hide an ARN
  # built at plan time without the prefix (the policies, and the functions module's preconditions,
  # compare what is built with what the queues get).
  override_resource {
    target          = module.messaging.aws_sns_topic.this
    override_during = plan
    values = {
      arn = "arn:aws:sns:us-east-1:000000000000:staging-order-events"
    }
  }

  override_resource {
    target          = module.messaging.aws_sqs_queue.dlq
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-order-processing-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-order-processing-dlq"
    }
  }

  override_resource {
    target          = module.messaging.aws_sqs_queue.this["inventory-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-inventory-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-inventory-queue"
    }
  }

  override_resource {
    target          = module.messaging.aws_sqs_queue.this["billing-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-billing-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-billing-queue"
    }
  }

  override_resource {
    target          = module.messaging.aws_sqs_queue.this["notification-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-notification-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-notification-queue"
    }
  }

  override_resource {
    target          = module.messaging.aws_sqs_queue.this["order-status-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-order-status-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-order-status-queue"
    }
  }

  assert {
    condition = alltrue([
      for f, q in { inventory = "inventory-queue", billing = "billing-queue", notification = "notification-queue", order-status = "order-status-queue" } :
      [for s in jsondecode(output.iam_policies[f]).Statement : s.Resource if s.Sid == "ConsumeOwnQueue"] == ["arn:aws:sqs:us-east-1:000000000000:staging-${q}"]
    ])
    error_message = "A consumer's grant names a queue without the prefix."
  }

  assert {
    condition     = [for s in jsondecode(output.iam_policies["order-publisher"]).Statement : s.Resource if s.Sid == "SendStreamFailures"] == ["arn:aws:sqs:us-east-1:000000000000:staging-order-processing-dlq"]
    error_message = "The outbox's on-failure grant names a DLQ without the prefix."
  }

  # order-status writes PaymentMismatches (EMF, Powertools Metrics) in its POWERTOOLS_METRICS_NAMESPACE
  # with the dimension service = order-status (test/unit/order-status/handler.test.ts): the alarm must
  # read exactly that, and fire on the first one.
  assert {
    condition = (
      module.alerts.metric_alarms["payment-mismatches"].namespace == "staging-order-fanout" &&
      module.alerts.metric_alarms["payment-mismatches"].metric_name == "PaymentMismatches" &&
      module.alerts.metric_alarms["payment-mismatches"].dimensions == tomap({ service = "order-status" }) &&
      module.alerts.metric_alarms["payment-mismatches"].statistic == "Sum" &&
      module.alerts.metric_alarms["payment-mismatches"].comparison_operator == "GreaterThanThreshold" &&
      module.alerts.metric_alarms["payment-mismatches"].threshold == 0
    )
    error_message = "The payment-mismatches alarm must watch order-status's PaymentMismatches (Sum > 0) in the stack's metrics namespace."
  }

  # The sweeper runs on a schedule and drives the stuck-orders alarm.

  # Stuck orders are found and finished: the sweeper runs on a schedule, reads the sparse index of
  # PLACED orders (never the table), and its OldestPlacedOrderSeconds drives the stuck-orders alarm.
  assert {
    condition = (
      output.schedules["order-sweeper"].schedule_expression == "rate(1 minute)" &&
      output.schedules["order-sweeper"].state == "ENABLED" &&
      output.schedules["order-sweeper"].name == "staging-order-sweeper"
    )
    error_message = "The sweeper must run every minute by default, on a rule carrying name_prefix."
  }

  assert {
    condition = (
      module.tables.key_schemas["orders"].global_secondary_indexes["placed-orders"].hash_key == "placedIndexKey" &&
      module.tables.key_schemas["orders"].global_secondary_indexes["placed-orders"].range_key == "createdAt"
    )
    error_message = "The orders table must have the sparse index of PLACED orders (placedIndexKey, by createdAt)."
  }

  assert {
    condition = (
      module.functions.environments["order-sweeper"].STUCK_AFTER_SECONDS == "600" &&
      module.functions.environments["order-sweeper"].PLACED_ORDERS_INDEX == "placed-orders" &&
      module.functions.environments["order-sweeper"].POWERTOOLS_METRICS_NAMESPACE == "staging-order-fanout"
    )
    error_message = "The sweeper must know its threshold, its index and the stack's metrics namespace."
  }

  assert {
    condition = (
      module.alerts.metric_alarms["orders-stuck-placed"].namespace == "staging-order-fanout" &&
      module.alerts.metric_alarms["orders-stuck-placed"].metric_name == "OldestPlacedOrderSeconds" &&
      module.alerts.metric_alarms["orders-stuck-placed"].dimensions == tomap({ service = "order-sweeper" }) &&
      module.alerts.metric_alarms["orders-stuck-placed"].statistic == "Maximum"
    )
    error_message = "The stuck-orders alarm must watch the sweeper's OldestPlacedOrderSeconds (Maximum), not OrderPlacedSeconds, which an order never announced never emits."
  }
}

# The optional operator role (modules/operator, tests/operator.tftest.hcl) names this stack's
# resources, all of them.
run "the_operator_role_names_this_stacks_resources" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    operator_role_enabled = true
  }

  override_resource {
    target          = module.functions.aws_lambda_function.this["order-api"]
    override_during = plan
    values = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:order-api"
    }
  }

  override_resource {
    target          = module.functions.aws_lambda_function.this["order-publisher"]
    override_during = plan
    values = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:order-publisher"
    }
  }

  override_resource {
    target          = module.functions.aws_lambda_function.this["inventory"]
    override_during = plan
    values = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:inventory"
    }
  }

  override_resource {
    target          = module.functions.aws_lambda_function.this["billing"]
    override_during = plan
    values = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:billing"
    }
  }

  override_resource {
    target          = module.functions.aws_lambda_function.this["notification"]
    override_during = plan
    values = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:notification"
    }
  }

  override_resource {
    target          = module.functions.aws_lambda_function.this["order-status"]
    override_during = plan
    values = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:order-status"
    }
  }

  override_resource {
    target          = module.functions.aws_lambda_function.this["order-sweeper"]
    override_during = plan
    values = {
      arn = "arn:aws:lambda:us-east-1:000000000000:function:order-sweeper"
    }
  }

  override_resource {
    target          = module.api.aws_api_gateway_rest_api.this
    override_during = plan
    values = {
      id            = "api123"
      execution_arn = "arn:aws:execute-api:us-east-1:000000000000:api123"
    }
  }

  assert {
    condition = jsonencode({ for s in jsondecode(output.operator_policy).Statement : s.Sid => flatten([s.Resource]) if s.Sid != "ListWhatTakesNoResource" }) == jsonencode({
      ReadTheTopic                     = [output.topic_arn]
      ReadTheQueues                    = sort(concat(values(output.queue_arns), [output.dlq_arn]))
      InspectTheDlq                    = [output.dlq_arn]
      RedriveToTheQueues               = sort(values(output.queue_arns))
      DescribeTheTables                = sort(values(output.table_arns))
      ReadTheFunctions                 = sort(values(module.functions.function_arns))
      ReadTheApi                       = ["arn:aws:apigateway:us-east-1::/restapis", "arn:aws:apigateway:us-east-1::/restapis/api123/resources", "arn:aws:apigateway:us-east-1::/restapis/api123/stages"]
      ResendFailedNotificationsRead    = [output.table_arns["orders"], output.table_arns["notifications"]]
      ResendFailedNotificationsClaim   = [output.table_arns["notifications"]]
      ResendFailedNotificationsDeliver = [output.queue_arns["notification-queue"]]
    })
    error_message = "The operator role must name this stack's topic, queues, DLQ, tables, functions and API."
  }
}

run "only_the_functions_roles_may_publish" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  assert {
    condition = (
      toset(jsondecode(module.messaging.topic_policy).Statement[0].Principal.AWS) == toset([for f, r in module.functions.role_arns : r if f != "order-api"]) &&
      jsondecode(module.messaging.topic_policy).Statement[1].Effect == "Deny"
    )
    error_message = "Only the publishing functions' roles may publish to the topic."
  }
}

run "visibility_timeouts_cover_six_function_timeouts" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }

  variables {
    function_settings                = { inventory = { timeout = 20 } }
    queue_visibility_timeout_seconds = { inventory-queue = 120 }
  }

  assert {
    condition = alltrue([
      for f, q in { inventory = "inventory-queue", billing = "billing-queue", notification = "notification-queue", order-status = "order-status-queue" } :
      module.messaging.queue_visibility_timeouts[q] >= 6 * module.functions.timeouts[f]
    ])
    error_message = "A queue's visibility timeout is below 6 x its consumer's timeout."
  }
}

run "function_settings_keys_are_checked" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    function_settings = { order_api = { timeout = 5 } }
  }
  expect_failures = [var.function_settings]
}

run "queue_visibility_keys_are_checked" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    queue_visibility_timeout_seconds = { inventory = 120 }
  }
  expect_failures = [var.queue_visibility_timeout_seconds]
}

run "name_prefix_is_checked" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    name_prefix = "Staging_"
  }
  expect_failures = [var.name_prefix]
}

run "the_sweeper_threshold_is_at_least_a_minute" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    stuck_order_seconds = 30
  }
  expect_failures = [var.stuck_order_seconds]
}

run "a_schedule_must_be_eventbridges" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    sweeper_schedule_expression = "every minute"
  }
  expect_failures = [var.sweeper_schedule_expression]
}

run "order_publisher_timeout_leaves_room_for_a_publish" {
  command = plan
  module {
    source = "./modules/order-fanout"
  }
  variables {
    function_settings = { order-publisher = { timeout = 2 } }
  }
  expect_failures = [var.function_settings]
}
