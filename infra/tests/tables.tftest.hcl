# modules/tables and modules/email on their own. Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

variables {
  tables = {
    orders      = { hash_key = "orderId", range_key = "createdAt" }
    idempotency = { hash_key = "idempotencyKey", ttl_attribute = "expiresAt" }
  }
  point_in_time_recovery_enabled = false
}

run "tables_are_encrypted_and_on_demand" {
  command = plan
  module {
    source = "./modules/tables"
  }

  assert {
    condition = alltrue([
      for t in values(aws_dynamodb_table.this) : t.server_side_encryption[0].enabled && t.billing_mode == "PAY_PER_REQUEST"
    ])
    error_message = "Tables must be PAY_PER_REQUEST with server-side encryption enabled."
  }

  assert {
    condition     = alltrue([for t in values(aws_dynamodb_table.this) : t.point_in_time_recovery[0].enabled == false])
    error_message = "PITR must follow the variable."
  }

  assert {
    condition = (
      aws_dynamodb_table.this["orders"].hash_key == "orderId" && aws_dynamodb_table.this["orders"].range_key == "createdAt" &&
      aws_dynamodb_table.this["orders"].attribute == toset([{ name = "orderId", type = "S" }, { name = "createdAt", type = "S" }])
    )
    error_message = "Keys and attributes must follow the input."
  }
}

run "ttl_only_where_asked" {
  command = plan
  module {
    source = "./modules/tables"
  }

  assert {
    condition     = one(aws_dynamodb_table.this["idempotency"].ttl).attribute_name == "expiresAt" && one(aws_dynamodb_table.this["idempotency"].ttl).enabled
    error_message = "idempotency must expire items on expiresAt."
  }

  assert {
    condition     = length(aws_dynamodb_table.this["orders"].ttl) == 0
    error_message = "orders must not expire items."
  }
}

run "pitr_on_by_default" {
  command = plan
  module {
    source = "./modules/tables"
  }
  variables {
    point_in_time_recovery_enabled = true
  }
  assert {
    condition     = alltrue([for t in values(aws_dynamodb_table.this) : t.point_in_time_recovery[0].enabled])
    error_message = "PITR must be on when asked."
  }
}

run "streams_only_where_asked" {
  command = plan
  module {
    source = "./modules/tables"
  }
  variables {
    tables = {
      orders      = { hash_key = "orderId", range_key = "createdAt", stream_view_type = "NEW_IMAGE" }
      idempotency = { hash_key = "idempotencyKey" }
    }
  }

  assert {
    condition     = aws_dynamodb_table.this["orders"].stream_enabled && aws_dynamodb_table.this["orders"].stream_view_type == "NEW_IMAGE"
    error_message = "orders must stream its new images."
  }

  assert {
    condition     = !aws_dynamodb_table.this["idempotency"].stream_enabled && keys(output.stream_arns) == ["orders"]
    error_message = "Only tables with a stream_view_type get a stream (and a stream ARN)."
  }
}

run "stream_view_types_are_checked" {
  command = plan
  module {
    source = "./modules/tables"
  }
  variables {
    tables = { orders = { hash_key = "orderId", stream_view_type = "NEW" } }
  }
  expect_failures = [var.tables]
}

run "key_types_are_checked" {
  command = plan
  module {
    source = "./modules/tables"
  }
  variables {
    tables = { orders = { hash_key = "orderId", hash_key_type = "STRING" } }
  }
  expect_failures = [var.tables]
}

run "sender_is_an_email_address" {
  command = plan
  module {
    source = "./modules/email"
  }
  variables {
    sender_email = "orders"
  }
  expect_failures = [var.sender_email]
}

run "sender_identity" {
  command = plan
  module {
    source = "./modules/email"
  }
  assert {
    condition     = aws_sesv2_email_identity.sender.email_identity == "orders@example.com"
    error_message = "The sender identity must be orders@example.com."
  }
}
