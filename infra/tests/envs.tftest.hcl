# The two roots plan with their own settings (mock provider: no emulator, no AWS account).
# Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

variables {
  dist_dir = "tests/fixtures/lambda-zips"
}

run "local_env_plans_with_mappings_disabled" {
  command = plan
  module {
    source = "./envs/local"
  }

  assert {
    condition     = alltrue([for m in values(module.order_fanout.event_source_mappings) : m.enabled == false])
    error_message = "Locally the mappings must be created disabled (moto's own delivery is harmful)."
  }

  assert {
    condition     = output.stage_name == "local" && length(output.queue_urls) == 4 && length(output.table_names) == 6 && jsonencode(output.function_names) == jsonencode(["billing", "inventory", "notification", "order-api", "order-publisher", "order-status"])
    error_message = "Local outputs incomplete."
  }
}

run "aws_env_plans_with_mappings_enabled" {
  command = plan
  module {
    source = "./envs/aws"
  }

  variables {
    sender_email = "orders@shop.test"
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
