# Customers sign in here; API Gateway's authorizer accepts the ID tokens this pool issues, and
# order-api takes the customer's id and email from their claims (sub, email).
resource "aws_cognito_user_pool" "customers" {
  name = "${var.name_prefix}order-fanout-customers"

  # A customer proves the address before any email is sent to it, and a changed address takes
  # effect only once verified: the token's email claim is always an address its owner controls.
  auto_verified_attributes = ["email"]
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  schema {
    name                = "email"
    attribute_data_type = "String"
    required            = true
    mutable             = true
    string_attribute_constraints {
      min_length = 3
      max_length = 254
    }
  }

  password_policy {
    minimum_length    = 12
    require_lowercase = true
    require_uppercase = true
    require_numbers   = true
    require_symbols   = false
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  # Cognito's own email sends a few dozen messages a day, far below production volume: with an SES
  # identity, verification codes go out through SES (DEVELOPER), at the account's SES quota.
  dynamic "email_configuration" {
    for_each = var.ses_email == null ? [] : [var.ses_email]
    content {
      email_sending_account = "DEVELOPER"
      source_arn            = email_configuration.value.identity_arn
      from_email_address    = email_configuration.value.from_address
    }
  }

  deletion_protection = var.deletion_protection_enabled ? "ACTIVE" : "INACTIVE"
  tags                = var.tags
}

# SES sends for Cognito only if the identity's sending authorization policy lets it, for this pool.
resource "aws_sesv2_email_identity_policy" "cognito" {
  count = var.ses_email == null ? 0 : 1

  email_identity = var.ses_email.identity
  policy_name    = "${var.name_prefix}order-fanout-cognito"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CognitoSendsVerificationCodes"
      Effect    = "Allow"
      Principal = { Service = "cognito-idp.amazonaws.com" }
      Action    = ["ses:SendEmail", "ses:SendRawEmail"]
      Resource  = var.ses_email.identity_arn
      Condition = { StringEquals = { "aws:SourceArn" = aws_cognito_user_pool.customers.arn } }
    }]
  })
}

# A public client (a browser or app cannot keep a secret). The ID token carries email and
# email_verified because they are readable here.
resource "aws_cognito_user_pool_client" "web" {
  name         = "${var.name_prefix}order-fanout-web"
  user_pool_id = aws_cognito_user_pool.customers.id

  generate_secret = false
  explicit_auth_flows = concat(
    ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    # USER_PASSWORD_AUTH sends the password itself: for the local stack's `make token` only.
    var.password_auth_enabled ? ["ALLOW_USER_PASSWORD_AUTH"] : [],
  )
  read_attributes               = ["email", "email_verified"]
  prevent_user_existence_errors = "ENABLED"
}
