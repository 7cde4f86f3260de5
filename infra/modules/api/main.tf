locals {
  # The public contract: every route is proxied to the one function, which does its own routing.
  routes = merge({
    "POST /orders" = {
      http_method        = "POST"
      resource_id        = aws_api_gateway_resource.orders.id
      path               = "/orders"
      request_parameters = {}
      statement_id       = "AllowApiGatewayPostOrders"
      authorized         = true
    }
    "GET /orders/{orderId}" = {
      http_method        = "GET"
      resource_id        = aws_api_gateway_resource.order.id
      path               = "/orders/*"
      request_parameters = { "method.request.path.orderId" = true }
      statement_id       = "AllowApiGatewayGetOrder"
      authorized         = true
    }
    # A browser's CORS preflight carries no token: OPTIONS goes to the function without the
    # authorizer, and the function answers the allowed origins (functions/order-api/cors.ts).
    }, length(var.cors_allowed_origins) == 0 ? {} : {
    "OPTIONS /orders" = {
      http_method        = "OPTIONS"
      resource_id        = aws_api_gateway_resource.orders.id
      path               = "/orders"
      request_parameters = {}
      statement_id       = "AllowApiGatewayOptionsOrders"
      authorized         = false
    }
    "OPTIONS /orders/{orderId}" = {
      http_method        = "OPTIONS"
      resource_id        = aws_api_gateway_resource.order.id
      path               = "/orders/*"
      request_parameters = {}
      statement_id       = "AllowApiGatewayOptionsOrder"
      authorized         = false
    }
  })
}

resource "aws_api_gateway_rest_api" "this" {
  name = var.name

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{orderId}"
}

# Every request carries a customer's ID token in Authorization: API Gateway checks its signature,
# issuer, expiry and audience before order-api runs, and passes its claims in
# requestContext.authorizer.claims.
resource "aws_api_gateway_authorizer" "customers" {
  name            = local.authorizer.name
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = local.authorizer.type
  provider_arns   = local.authorizer.provider_arns
  identity_source = local.authorizer.identity_source
}

resource "aws_api_gateway_method" "this" {
  for_each = local.routes

  rest_api_id        = aws_api_gateway_rest_api.this.id
  resource_id        = each.value.resource_id
  http_method        = each.value.http_method
  authorization      = each.value.authorized ? local.authorizer.type : "NONE"
  authorizer_id      = each.value.authorized ? aws_api_gateway_authorizer.customers.id : null
  request_parameters = each.value.request_parameters
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = each.value.resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = local.integration.type
  integration_http_method = local.integration.integration_http_method
  uri                     = local.integration.uri
}

# One permission per route: API Gateway may invoke the function only for these method/paths
# of this API, in any stage.
resource "aws_lambda_permission" "this" {
  for_each = local.routes

  statement_id  = each.value.statement_id
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/${each.value.http_method}${each.value.path}"
}

# What a deployment snapshots, as configured here: the resources, each method (authorization,
# authorizer, parameters), its integration and the authorizer. Hashing resource ids alone (which
# never change) left an added authorizer or validator undeployed. The configuration is hashed, not
# the resources' read-back state: emulators (and AWS) read some unset fields back as "" or {},
# which would redeploy on every plan. The resources below take their settings from these locals,
# so nothing is configured outside the hash; a request validator added later belongs here too.
locals {
  authorizer = {
    name            = "customers"
    type            = "COGNITO_USER_POOLS"
    provider_arns   = var.user_pool_arns
    identity_source = "method.request.header.Authorization"
  }
  integration = {
    type                    = "AWS_PROXY"
    integration_http_method = "POST" # Lambda is always invoked with POST, whatever the route's method
    uri                     = var.function_invoke_arn
  }
  deployment_hash = sha1(jsonencode({
    resources   = [aws_api_gateway_resource.orders.id, aws_api_gateway_resource.order.id]
    authorizer  = merge(local.authorizer, { id = aws_api_gateway_authorizer.customers.id })
    integration = local.integration
    methods = {
      for k, r in local.routes : k => {
        resource_id        = r.resource_id
        http_method        = r.http_method
        authorization      = r.authorized ? local.authorizer.type : "NONE"
        request_parameters = r.request_parameters
      }
    }
  }))
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A deployment is a snapshot: take a new one whenever anything it snapshots changes.
  triggers = {
    redeployment = local.deployment_hash
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.this]
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name
  # X-Ray traces each request from the stage through the function.
  xray_tracing_enabled = var.xray_tracing_enabled
  tags                 = var.tags
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
    metrics_enabled        = true
  }
}
