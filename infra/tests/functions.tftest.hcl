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
      tables      = { orders = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders" } }
      publishes   = true
    }
    billing = {
      timeout = 10
      queue = {
        arn                        = "arn:aws:sqs:us-east-1:000000000000:billing-queue"
        visibility_timeout_seconds = 60
      }
    }
  }
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
      ORDERS_TABLE            = "orders"
      LOG_LEVEL               = "DEBUG"
      POWERTOOLS_SERVICE_NAME = "order-api"
      AWS_ENDPOINT_URL        = "http://127.0.0.1:4566"
    })
    error_message = "Environment must merge the function's variables, LOG_LEVEL, the service name and extra_environment."
  }

  assert {
    condition     = alltrue([for k, g in aws_cloudwatch_log_group.this : g.name == "/aws/lambda/${k}" && g.retention_in_days == 14])
    error_message = "Each function needs its own log group with a retention."
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
      aws_lambda_event_source_mapping.this["billing"].event_source_arn == "arn:aws:sqs:us-east-1:000000000000:billing-queue"
    )
    error_message = "Mapping settings not applied."
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

run "unknown_table_access_is_refused" {
  command = plan
  module {
    source = "./modules/functions"
  }
  variables {
    functions = {
      billing = { tables = { billing = { arn = "arn:aws:dynamodb:us-east-1:000000000000:table/billing", access = "admin" } } }
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
