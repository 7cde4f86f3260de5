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

  deletion_protection = var.deletion_protection_enabled ? "ACTIVE" : "INACTIVE"
  tags                = var.tags
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
