# The two roots plan with their own settings (mock provider: no emulator, no AWS account).
# Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

variables {
  dist_dir = "tests/fixtures/lambda-zips"
}

run "local_env_defaults_are_localstacks" {
  command = plan
  module {
    source = "./envs/local"
  }

  assert {
    condition = alltrue([
      for m in concat(values(module.order_fanout.event_source_mappings), values(module.order_fanout.stream_event_source_mappings)) : m.enabled
    ])
    error_message = "With the defaults (tflocal apply) every mapping is enabled: LocalStack runs them."
  }

  assert {
    condition = jsonencode(module.order_fanout.global_names) == jsonencode({
      tables     = ["billing", "idempotency", "inventory", "inventory-reservations", "notifications", "orders"]
      topics     = ["order-events", "order-fanout-alerts"]
      queues     = ["billing-queue", "inventory-queue", "notification-queue", "order-status-queue", "order-processing-dlq"]
      functions  = ["billing", "inventory", "notification", "order-api", "order-publisher", "order-status", "order-sweeper"]
      roles      = ["billing-lambda", "inventory-lambda", "notification-lambda", "order-api-lambda", "order-publisher-lambda", "order-status-lambda", "order-sweeper-lambda"]
      log_groups = ["billing", "inventory", "notification", "order-api", "order-publisher", "order-status", "order-sweeper"]
      alarms     = sort(keys(module.order_fanout.alarms))
      api        = ["order-api"]
      user_pools = ["order-fanout-customers"]
      rules      = ["order-sweeper"]
      dashboards = []
    })
    error_message = "envs/local must keep the original design's names."
  }

  assert {
    condition     = output.stage_name == "local" && length(output.queue_urls) == 4 && length(output.table_names) == 6 && jsonencode(output.function_names) == jsonencode(["billing", "inventory", "notification", "order-api", "order-publisher", "order-status", "order-sweeper"])
    error_message = "Local outputs incomplete."
  }
}

run "local_env_with_make_ups_variables_plans_with_mappings_disabled" {
  command = plan
  module {
    source = "./envs/local"
  }

  variables {
    event_source_mappings_enabled = false
    functions_endpoint            = "http://127.0.0.1:4566"
    name_prefix                   = "local-"
  }

  assert {
    condition = alltrue(flatten([
      for kind, names in module.order_fanout.global_names : [for n in names : startswith(n, "local-")]
    ])) && output.name_prefix == "local-"
    error_message = "make up's stack names every globally named resource with its prefix, and says which in its outputs."
  }

  assert {
    condition = alltrue([
      for m in concat(values(module.order_fanout.event_source_mappings), values(module.order_fanout.stream_event_source_mappings)) : !m.enabled
    ])
    error_message = "make up creates the mappings disabled (moto's own delivery is harmful; the local runtime applies them)."
  }
}

run "aws_env_plans_with_mappings_enabled" {
  command = plan
  module {
    source = "./envs/aws"
  }

  variables {
    sender_email = "orders@shop.test"
    name_prefix  = "staging-"
    alarm_email  = "oncall@shop.test"
  }

  # The ARNs AWS gives a staging- stack's topic and queues: with them, the functions module's
  # preconditions compare the ARNs built at plan time with those the queues get, as an apply does.
  override_resource {
    target          = module.order_fanout.module.messaging.aws_sns_topic.this
    override_during = plan
    values = {
      arn = "arn:aws:sns:us-east-1:000000000000:staging-order-events"
    }
  }

  override_resource {
    target          = module.order_fanout.module.messaging.aws_sqs_queue.dlq
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-order-processing-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-order-processing-dlq"
    }
  }

  override_resource {
    target          = module.order_fanout.module.messaging.aws_sqs_queue.this["inventory-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-inventory-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-inventory-queue"
    }
  }

  override_resource {
    target          = module.order_fanout.module.messaging.aws_sqs_queue.this["billing-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-billing-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-billing-queue"
    }
  }

  override_resource {
    target          = module.order_fanout.module.messaging.aws_sqs_queue.this["notification-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-notification-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-notification-queue"
    }
  }

  override_resource {
    target          = module.order_fanout.module.messaging.aws_sqs_queue.this["order-status-queue"]
    override_during = plan
    values = {
      arn = "arn:aws:sqs:us-east-1:000000000000:staging-order-status-queue"
      url = "https://sqs.us-east-1.amazonaws.com/000000000000/staging-order-status-queue"
    }
  }

  assert {
    condition = alltrue(flatten([
      for kind, names in module.order_fanout.global_names : [for n in names : startswith(n, "staging-")]
    ])) && length(flatten(values(module.order_fanout.global_names))) == 6 + 2 + 5 + 7 + 7 + 7 + 22 + 1 + 1 + 1 + 1
    error_message = "Every globally named resource must carry name_prefix, so that two environments share an account."
  }

  assert {
    condition     = output.operator_role_arn == null
    error_message = "The operator role is off by default."
  }

  assert {
    condition     = module.order_fanout.alarm_email_subscription == "oncall@shop.test"
    error_message = "alarm_email must be subscribed to the alerts topic."
  }

  assert {
    condition     = alltrue([for m in values(module.order_fanout.event_source_mappings) : m.enabled])
    error_message = "On AWS the mappings must be enabled."
  }

  assert {
    condition     = output.stage_name == "prod"
    error_message = "The AWS stage must be prod."
  }
}

run "aws_env_warns_when_no_alarm_reaches_anyone" {
  command = plan
  module {
    source = "./envs/aws"
  }
  variables {
    sender_email = "orders@shop.test"
    name_prefix  = "staging-"
  }
  expect_failures = [check.alarms_reach_someone]
}

run "aws_env_may_opt_out_of_alarm_recipients" {
  command = plan
  module {
    source = "./envs/aws"
  }
  variables {
    sender_email              = "orders@shop.test"
    name_prefix               = "staging-"
    alarms_without_recipients = true
  }
}

# Observability on AWS, at no bundle cost: X-Ray active tracing on every function (with the role's
# grant), the API stage and the topic; a dashboard per service; the saved order-timeline query.
run "aws_env_is_observable" {
  command = plan
  module {
    source = "./envs/aws"
  }
  variables {
    sender_email = "orders@shop.test"
    name_prefix  = "staging-"
    alarm_email  = "oncall@shop.test"
  }

  assert {
    condition = (
      alltrue([for f, mode in module.order_fanout.observability.function_tracing : mode == "Active"]) &&
      module.order_fanout.observability.api_xray == true &&
      module.order_fanout.observability.topic_tracing == "Active"
    )
    error_message = "X-Ray active tracing must be on for every function, the API stage and the topic."
  }

  assert {
    condition = (
      module.order_fanout.observability.dashboard == "staging-order-fanout" &&
      toset([for w in module.order_fanout.observability.widgets : w.title]) == toset([
        "Invocations per function", "Errors per function", "Throttles per function",
        "Oldest message age per queue (s)", "DLQ depth", "Outbox lag: the orders stream's iterator age (ms)",
        "Orders placed", "Orders confirmed", "Orders cancelled",
      ])
    )
    error_message = "The dashboard must show, per service, invocations, errors, throttles, queue age, DLQ depth, the stream's iterator age, and orders placed, confirmed and cancelled."
  }

  assert {
    condition = (
      module.order_fanout.observability.timeline_query.name == "staging-order-fanout/one order's timeline by orderId" &&
      length(module.order_fanout.observability.timeline_query.log_group_names) == 7 &&
      strcontains(module.order_fanout.observability.timeline_query.query_string, "filter orderId = ") &&
      strcontains(module.order_fanout.observability.timeline_query.query_string, "sort @timestamp asc")
    )
    error_message = "The saved query must read every function's log group for one orderId, oldest first."
  }
}

run "local_env_has_no_aws_observability" {
  command = plan
  module {
    source = "./envs/local"
  }
  assert {
    condition     = module.order_fanout.observability.dashboard == null && alltrue([for f, mode in module.order_fanout.observability.function_tracing : mode == null])
    error_message = "envs/local deploys no tracing, dashboard or saved query (the emulators do nothing useful with them)."
  }
}

# Customers verify at volume: the pool sends its codes through SES, from the sender identity, and
# that identity's policy lets Cognito send for this pool only. Locally, Cognito's own email stays.
run "aws_env_user_pool_sends_through_ses" {
  command = plan
  module {
    source = "./envs/aws"
  }
  variables {
    sender_email           = "orders@shop.test"
    name_prefix            = "staging-"
    alarm_email            = "oncall@shop.test"
    user_pool_from_address = "Shop <orders@shop.test>"
  }

  assert {
    condition = (
      module.order_fanout.user_pool_email.sending_account == "DEVELOPER" &&
      module.order_fanout.user_pool_email.from_address == "Shop <orders@shop.test>"
    )
    error_message = "The user pool must send its emails through SES (DEVELOPER) from the given address."
  }
}

run "local_env_user_pool_keeps_cognitos_email" {
  command = plan
  module {
    source = "./envs/local"
  }
  assert {
    condition     = module.order_fanout.user_pool_email.sending_account == "COGNITO_DEFAULT"
    error_message = "envs/local keeps Cognito's own email (the emulator sends nothing)."
  }
}
