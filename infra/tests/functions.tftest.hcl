# modules/functions on its own: code, runtime, environment, log groups, mappings, and each
# validation block and precondition. Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

variables {
  dist_dir           = "tests/fixtures/lambda-zips"
  topic_arn          = "arn:aws:sns:us-east-1:000000000000:order-events"
  email_identity_arn = "arn:aws:ses:us-east-1:000000000000:identity/orders@example.com"
  log_level          = "DEBUG"
  extra_environment  = { AWS_ENDPOINT_URL = "http://127.0.0.1:4566" }
  functions = {
    order-api = {
      timeout     = 10
      environment = { ORDERS_TABLE = "orders" }
      tables      = { orders = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders", actions = ["dynamodb:Query", "dynamodb:PutItem"] } }
      publishes   = true
    }
    billing = {
      timeout = 10
      queue = {
        arn                        = "arn:aws:sqs:us-east-1:000000000000:billing-queue"
        visibility_timeout_seconds = 60
        maximum_concurrency        = 3
      }
    }
    order-publisher = {
      publishes = true
      stream = {
        arn                        = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-25T09:00:00.000"
        filter_patterns            = ["{\"eventName\":[\"INSERT\"]}"]
        maximum_retry_attempts     = 5
        on_failure_destination_arn = "arn:aws:sqs:us-east-1:000000000000:order-processing-dlq"
      }
    }
  }
  event_source_arns             = { billing = "arn:aws:sqs:us-east-1:000000000000:billing-queue" }
  on_failure_destination_arns   = { order-publisher = "arn:aws:sqs:us-east-1:000000000000:order-processing-dlq" }
  event_source_mappings_enabled = false
  batch_size                    = 5
}

run "functions_are_deployed_from_the_zips" {
  command = plan
  module {
    source = "./modules/functions"
  }

  assert {
    condition = alltrue([
      for k, f in aws_lambda_function.this :
      f.runtime == "nodejs22.x" && f.handler == "handler.handler" && f.filename == "tests/fixtures/lambda-zips/${k}.zip" &&
      f.source_code_hash == filebase64sha256("tests/fixtures/lambda-zips/${k}.zip")
    ])
    error_message = "Functions must run nodejs22.x handler.handler from <dist_dir>/<name>.zip."
  }

  assert {
    condition = aws_lambda_function.this["order-api"].environment[0].variables == tomap({
      ORDERS_TABLE             = "orders"
      LOG_LEVEL                = "DEBUG"
      POWERTOOLS_SERVICE_NAME  = "order-api"
      FUNCTION_TIMEOUT_SECONDS = "10"
      AWS_ENDPOINT_URL         = "http://127.0.0.1:4566"
    })
    error_message = "Environment must merge the function's variables, LOG_LEVEL, the service name, its timeout and extra_environment."
  }

  assert {
    condition     = alltrue([for k, g in aws_cloudwatch_log_group.this : g.name == "/aws/lambda/${k}" && g.retention_in_days == 14])
    error_message = "Each function needs its own log group with a retention."
  }
}

run "source_maps_add_node_options" {
  command = plan
  module {
    source = "./modules/functions"
  }

  variables {
    source_maps = true
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.environment[0].variables["NODE_OPTIONS"] == "--enable-source-maps"])
    error_message = "With source_maps, every function must run with NODE_OPTIONS=--enable-source-maps (the zips carry the maps)."
  }
}

run "mappings_report_batch_item_failures" {
  command = plan
  module {
    source = "./modules/functions"
  }

  assert {
    condition     = keys(aws_lambda_event_source_mapping.this) == ["billing"]
    error_message = "Only queue consumers get a mapping."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this["billing"].function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.this["billing"].enabled == false &&
      aws_lambda_event_source_mapping.this["billing"].batch_size == 5 &&
      aws_lambda_event_source_mapping.this["billing"].maximum_batching_window_in_seconds == 0 &&
      aws_lambda_event_source_mapping.this["billing"].event_source_arn == "arn:aws:sqs:us-east-1:000000000000:billing-queue" &&
      one(aws_lambda_event_source_mapping.this["billing"].scaling_config).maximum_concurrency == 3
    )
    error_message = "Mapping settings not applied."
  }
}

run "stream_mappings_resume_bisect_retry_a_bounded_number_of_times_then_report" {
  command = plan
  module {
    source = "./modules/functions"
  }

  # The policy is known at plan time only once its log group's ARN is.
  override_resource {
    target          = aws_cloudwatch_log_group.this["order-publisher"]
    override_during = plan
    values = {
      arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/order-publisher"
    }
  }

  assert {
    condition     = keys(aws_lambda_event_source_mapping.stream) == ["order-publisher"]
    error_message = "Only stream readers get a stream mapping."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.stream["order-publisher"].event_source_arn == "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-25T09:00:00.000" &&
      aws_lambda_event_source_mapping.stream["order-publisher"].enabled == false &&
      aws_lambda_event_source_mapping.stream["order-publisher"].starting_position == "TRIM_HORIZON" &&
      aws_lambda_event_source_mapping.stream["order-publisher"].batch_size == 100 &&
      aws_lambda_event_source_mapping.stream["order-publisher"].function_response_types == toset(["ReportBatchItemFailures"]) &&
      aws_lambda_event_source_mapping.stream["order-publisher"].bisect_batch_on_function_error == true &&
      aws_lambda_event_source_mapping.stream["order-publisher"].maximum_retry_attempts == 5 &&
      aws_lambda_event_source_mapping.stream["order-publisher"].maximum_record_age_in_seconds == 3600
    )
    error_message = "Stream mapping settings not applied (defaults: TRIM_HORIZON, 100 records, bisect, an hour)."
  }

  assert {
    condition = (
      output.stream_event_source_mappings["order-publisher"].filter_patterns == ["{\"eventName\":[\"INSERT\"]}"] &&
      output.stream_event_source_mappings["order-publisher"].on_failure_destination_arn == "arn:aws:sqs:us-east-1:000000000000:order-processing-dlq"
    )
    error_message = "The stream mapping must carry its filter and its on-failure destination."
  }

  assert {
    condition = jsonencode([for s in jsondecode(output.iam_policies["order-publisher"]).Statement : [s.Sid, s.Action, s.Resource] if s.Sid != "OwnLogGroup"]) == jsonencode([
      ["PublishEvents", "sns:Publish", "arn:aws:sns:us-east-1:000000000000:order-events"],
      ["ReadOwnStream", ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-25T09:00:00.000"],
      ["ListStreams", "dynamodb:ListStreams", "*"],
      ["SendStreamFailures", "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:order-processing-dlq"],
    ])
    error_message = "A stream reader may read its stream, publish, and send failures to its destination: nothing else."
  }
}

run "stream_mapping_without_filter_or_destination_has_neither" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = {
      order-publisher = { stream = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x" } }
    }
    on_failure_destination_arns = {}
  }

  override_resource {
    target          = aws_cloudwatch_log_group.this["order-publisher"]
    override_during = plan
    values = {
      arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/order-publisher"
    }
  }

  assert {
    condition = (
      length(aws_lambda_event_source_mapping.stream["order-publisher"].filter_criteria) == 0 &&
      length(aws_lambda_event_source_mapping.stream["order-publisher"].destination_config) == 0 &&
      !strcontains(output.iam_policies["order-publisher"], "sqs:SendMessage")
    )
    error_message = "No filter or destination block (and no sqs:SendMessage) unless asked."
  }
}

run "stream_starting_position_is_checked" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { order-publisher = { stream = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x", starting_position = "AT_TIMESTAMP" } } }
  }
  expect_failures = [var.functions]
}

run "stream_retry_attempts_range" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { order-publisher = { stream = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x", maximum_retry_attempts = 10001 } } }
  }
  expect_failures = [var.functions]
}

run "stream_record_age_range" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { order-publisher = { stream = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x", maximum_record_age_in_seconds = 30 } } }
  }
  expect_failures = [var.functions]
}

run "stream_filters_are_json_objects" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { order-publisher = { stream = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x", filter_patterns = ["eventName = INSERT"] } } }
  }
  expect_failures = [var.functions]
}

run "at_most_five_stream_filters" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { order-publisher = { stream = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x", filter_patterns = [for i in range(6) : jsonencode({ eventName = ["INSERT"], n = [i] })] } } }
  }
  expect_failures = [var.functions]
}

run "stream_failures_go_to_a_queue" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { order-publisher = { stream = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/x", on_failure_destination_arn = "arn:aws:sns:us-east-1:000000000000:alerts" } } }
  }
  expect_failures = [var.functions]
}

run "concurrency_is_bounded" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = {
      order-api = { reserved_concurrency = 20 }
      billing   = { queue = { arn = "arn:aws:sqs:us-east-1:000000000000:billing-queue", visibility_timeout_seconds = 60 } }
    }
  }

  assert {
    condition     = one(aws_lambda_event_source_mapping.this["billing"].scaling_config).maximum_concurrency == 2
    error_message = "A mapping without a setting must still be bounded (2, the AWS minimum)."
  }

  assert {
    condition     = aws_lambda_function.this["order-api"].reserved_concurrent_executions == 20 && aws_lambda_function.this["billing"].reserved_concurrent_executions == -1
    error_message = "Reserved concurrency must follow the setting (-1: none)."
  }
}

run "maximum_concurrency_below_two_is_refused" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = {
      billing = { queue = { arn = "arn:aws:sqs:us-east-1:000000000000:billing-queue", visibility_timeout_seconds = 60, maximum_concurrency = 1 } }
    }
  }
  expect_failures = [var.functions]
}

run "negative_reserved_concurrency_is_refused" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { order-api = { reserved_concurrency = -1 } }
  }
  expect_failures = [var.functions]
}

run "errors_and_throttles_alarm_per_function" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    name_prefix   = "staging-"
    alarm_actions = ["arn:aws:sns:us-east-1:000000000000:alerts"]
  }

  assert {
    condition = toset([for a in values(aws_cloudwatch_metric_alarm.function) : "${a.dimensions.FunctionName}/${a.metric_name}"]) == toset([
      "staging-order-api/Errors", "staging-order-api/Throttles", "staging-billing/Errors", "staging-billing/Throttles",
      "staging-order-publisher/Errors", "staging-order-publisher/Throttles",
    ]) && alltrue([for a in values(aws_cloudwatch_metric_alarm.function) : a.namespace == "AWS/Lambda" && a.alarm_actions == toset(["arn:aws:sns:us-east-1:000000000000:alerts"])])
    error_message = "Each function needs an Errors and a Throttles alarm notifying the alarm actions."
  }

  assert {
    condition = (
      [for f in values(aws_lambda_function.this) : f.function_name] == ["staging-billing", "staging-order-api", "staging-order-publisher"] &&
      [for r in values(aws_iam_role.this) : r.name] == ["staging-billing-lambda", "staging-order-api-lambda", "staging-order-publisher-lambda"] &&
      [for g in values(aws_cloudwatch_log_group.this) : g.name] == ["/aws/lambda/staging-billing", "/aws/lambda/staging-order-api", "/aws/lambda/staging-order-publisher"]
    )
    error_message = "Function, role and log group names must carry name_prefix."
  }
}

run "visibility_below_six_timeouts_is_refused" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = {
      billing = {
        timeout = 11
        queue   = { arn = "arn:aws:sqs:us-east-1:000000000000:billing-queue", visibility_timeout_seconds = 60 }
      }
    }
  }
  expect_failures = [var.functions]
}

run "table_actions_other_than_item_actions_are_refused" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = {
      billing = { tables = { billing = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/billing", actions = ["dynamodb:*"] } } }
    }
  }
  expect_failures = [var.functions]
}

run "timeout_range" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { billing = { timeout = 901 } }
  }
  expect_failures = [var.functions]
}

run "log_level_is_checked" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    log_level = "VERBOSE"
  }
  expect_failures = [var.log_level]
}

run "log_retention_is_checked" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    log_retention_in_days = 10
  }
  expect_failures = [var.log_retention_in_days]
}

run "batch_size_range" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    batch_size = 0
  }
  expect_failures = [var.batch_size]
}

run "big_batches_need_a_window" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    batch_size = 100
  }
  expect_failures = [var.batch_size]
}

run "batching_window_range" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    maximum_batching_window_in_seconds = 301
  }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "publishing_needs_a_topic" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    topic_arn = null
  }
  expect_failures = [aws_iam_role_policy.this]
}

run "emailing_needs_an_identity" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    email_identity_arn = null
    functions          = { notification = { sends_email = true } }
  }
  expect_failures = [aws_iam_role_policy.this]
}

# The role admits one queue (by an ARN known at plan time), the mapping reads another.
run "mapping_must_read_the_queue_the_role_admits" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    event_source_arns = { billing = "arn:aws:sqs:us-east-1:000000000000:inventory-queue" }
  }
  expect_failures = [aws_lambda_event_source_mapping.this]
}

# The role may send to one queue (by an ARN known at plan time), the mapping's destination is another.
run "stream_destination_must_be_the_one_the_role_admits" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    on_failure_destination_arns = { order-publisher = "arn:aws:sqs:us-east-1:000000000000:billing-queue" }
  }
  expect_failures = [aws_lambda_event_source_mapping.stream]
}

# In the SES sandbox SES authorises a send on every recipient's identity too: the sender's function
# may then send to the account's identities, from the sender's address only; out of it, as the sender only.
run "ses_sandbox_grants_recipient_identities_from_the_sender_only" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions   = { notification = { sends_email = true } }
    ses_sandbox = true
  }

  override_resource {
    target          = aws_cloudwatch_log_group.this["notification"]
    override_during = plan
    values = {
      arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/notification"
    }
  }

  assert {
    condition = jsonencode([for s in jsondecode(output.iam_policies["notification"]).Statement : [s.Sid, s.Resource, try(s.Condition, null)] if startswith(s.Sid, "SendEmail")]) == jsonencode([
      ["SendEmailAsSender", "arn:aws:ses:us-east-1:000000000000:identity/orders@example.com", null],
      ["SendEmailToVerifiedRecipients", "arn:aws:ses:us-east-1:000000000000:identity/*", { StringEquals = { "ses:FromAddress" = "orders@example.com" } }],
    ])
    error_message = "In the sandbox the notification function must be allowed to send to verified recipients, from the sender's address only."
  }
}

run "out_of_the_ses_sandbox_only_the_sender_identity" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = { notification = { sends_email = true } }
  }

  override_resource {
    target          = aws_cloudwatch_log_group.this["notification"]
    override_during = plan
    values = {
      arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/notification"
    }
  }

  assert {
    condition     = [for s in jsondecode(output.iam_policies["notification"]).Statement : s.Sid if startswith(s.Sid, "SendEmail")] == ["SendEmailAsSender"]
    error_message = "Out of the sandbox the notification function may send as its sender identity only."
  }
}
