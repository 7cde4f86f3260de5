# modules/api on its own: routes, proxy integrations, invoke permissions, stage throttling.
# Run from infra/: terraform -chdir=infra test

mock_provider "aws" {}

override_resource {
  target          = aws_api_gateway_rest_api.this
  override_during = plan
  values = {
    id               = "abc123"
    root_resource_id = "root"
    execution_arn    = "arn:aws:execute-api:us-east-1:000000000000:abc123"
  }
}

override_resource {
  target          = aws_api_gateway_resource.orders
  override_during = plan
  values = {
    id = "orders1"
  }
}

override_resource {
  target          = aws_api_gateway_resource.order
  override_during = plan
  values = {
    id = "order1"
  }
}

override_resource {
  target          = aws_api_gateway_authorizer.customers
  override_during = plan
  values = {
    id = "auth1"
  }
}

variables {
  user_pool_arns         = ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_customers"]
  function_name          = "order-api"
  function_invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:order-api/invocations"
  stage_name             = "local"
  throttling_burst_limit = 20
  throttling_rate_limit  = 10
}

run "routes_proxy_to_the_function" {
  command = plan
  module {
    source = "./modules/api"
  }

  assert {
    condition     = aws_api_gateway_resource.orders.path_part == "orders" && aws_api_gateway_resource.order.path_part == "{orderId}"
    error_message = "Resources must be /orders and /orders/{orderId}."
  }

  assert {
    condition     = toset([for m in values(aws_api_gateway_method.this) : m.http_method]) == toset(["POST", "GET"])
    error_message = "Methods must be POST /orders and GET /orders/{orderId}."
  }

  assert {
    condition = alltrue([
      for i in values(aws_api_gateway_integration.this) : i.type == "AWS_PROXY" && i.integration_http_method == "POST" && i.uri == var.function_invoke_arn
    ])
    error_message = "Every route must be an AWS_PROXY integration to the function."
  }
}

run "permissions_are_scoped_to_this_api" {
  command = plan
  module {
    source = "./modules/api"
  }

  assert {
    condition = toset([for p in values(aws_lambda_permission.this) : p.source_arn]) == toset([
      "arn:aws:execute-api:us-east-1:000000000000:abc123/*/POST/orders",
      "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/orders/*",
    ])
    error_message = "lambda:InvokeFunction must be limited to this API's two routes."
  }

  assert {
    condition     = alltrue([for p in values(aws_lambda_permission.this) : p.principal == "apigateway.amazonaws.com" && p.function_name == "order-api"])
    error_message = "Only API Gateway may invoke, and only order-api."
  }
}

run "stage_is_throttled" {
  command = plan
  module {
    source = "./modules/api"
  }

  assert {
    condition = (
      aws_api_gateway_stage.this.stage_name == "local" &&
      aws_api_gateway_method_settings.all.method_path == "*/*" &&
      aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 20 &&
      aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 10
    )
    error_message = "The stage must be throttled on every method."
  }
}

# Each listed variable must fail its own validation: one run proves both limits are checked.
run "throttling_limits_are_checked" {
  command = plan
  module {
    source = "./modules/api"
  }
  variables {
    throttling_burst_limit = -1
    throttling_rate_limit  = -1
  }
  expect_failures = [var.throttling_burst_limit, var.throttling_rate_limit]
}

run "every_method_requires_a_cognito_id_token" {
  command = plan
  module {
    source = "./modules/api"
  }

  assert {
    condition = (
      aws_api_gateway_authorizer.customers.type == "COGNITO_USER_POOLS" &&
      aws_api_gateway_authorizer.customers.provider_arns == toset(["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_customers"]) &&
      aws_api_gateway_authorizer.customers.identity_source == "method.request.header.Authorization"
    )
    error_message = "The authorizer must accept the user pool's tokens from the Authorization header."
  }

  assert {
    condition     = alltrue([for m in values(aws_api_gateway_method.this) : m.authorization == "COGNITO_USER_POOLS" && m.authorizer_id == "auth1"])
    error_message = "Every method must use the Cognito authorizer (without CORS origins there is no OPTIONS route)."
  }
}

run "a_user_pool_is_required" {
  command = plan
  module {
    source = "./modules/api"
  }
  variables {
    user_pool_arns = []
  }
  expect_failures = [var.user_pool_arns]
}

# The stage redeploys on every API change: the same configuration gives the same trigger, a
# changed authorizer (another user pool) or integration gives another.
run "trigger_of_the_base_configuration" {
  command = plan
  module {
    source = "./modules/api"
  }
  assert {
    condition     = output.deployment_trigger != null && length(output.deployment_trigger) == 40
    error_message = "The deployment trigger must be known at plan time."
  }
}

run "same_configuration_same_trigger" {
  command = plan
  module {
    source = "./modules/api"
  }
  assert {
    condition     = output.deployment_trigger == run.trigger_of_the_base_configuration.deployment_trigger
    error_message = "An unchanged API must not redeploy."
  }
}

run "changed_authorizer_changes_the_trigger" {
  command = plan
  module {
    source = "./modules/api"
  }
  variables {
    user_pool_arns = ["arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_other"]
  }
  assert {
    condition     = output.deployment_trigger != run.trigger_of_the_base_configuration.deployment_trigger
    error_message = "A changed authorizer must change the deployment's trigger."
  }
}

run "changed_integration_changes_the_trigger" {
  command = plan
  module {
    source = "./modules/api"
  }
  variables {
    function_invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:order-api-v2/invocations"
  }
  assert {
    condition     = output.deployment_trigger != run.trigger_of_the_base_configuration.deployment_trigger
    error_message = "A changed integration must change the deployment's trigger."
  }
}

# A browser's preflight carries no token: with origins to answer, OPTIONS reaches the function
# without the authorizer (the function answers only those origins); without, there is no OPTIONS.
run "cors_preflight_reaches_the_function_without_the_authorizer" {
  command = plan
  module {
    source = "./modules/api"
  }
  variables {
    cors_allowed_origins = ["https://shop.example"]
  }

  assert {
    condition = (
      aws_api_gateway_method.this["OPTIONS /orders"].authorization == "NONE" &&
      aws_api_gateway_method.this["OPTIONS /orders/{orderId}"].authorization == "NONE" &&
      aws_api_gateway_integration.this["OPTIONS /orders"].type == "AWS_PROXY" &&
      aws_lambda_permission.this["OPTIONS /orders"].source_arn == "arn:aws:execute-api:us-east-1:000000000000:abc123/*/OPTIONS/orders"
    )
    error_message = "Each resource's OPTIONS must reach the function, unauthorised, through the proxy integration."
  }

  assert {
    condition     = alltrue([for k, m in aws_api_gateway_method.this : m.authorization == "COGNITO_USER_POOLS" if m.http_method != "OPTIONS"])
    error_message = "Every other method still requires a Cognito ID token."
  }
}

run "no_origins_no_options_route" {
  command = plan
  module {
    source = "./modules/api"
  }
  assert {
    condition     = length([for k, m in aws_api_gateway_method.this : k if m.http_method == "OPTIONS"]) == 0
    error_message = "Without origins, the API has no OPTIONS route."
  }
}

run "cors_origins_are_origins" {
  command = plan
  module {
    source = "./modules/api"
  }
  variables {
    cors_allowed_origins = ["*"]
  }
  expect_failures = [var.cors_allowed_origins]
}
