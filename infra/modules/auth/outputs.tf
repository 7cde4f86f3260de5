output "user_pool_id" {
  description = "ID of the customers' user pool."
  value       = aws_cognito_user_pool.customers.id
}

output "user_pool_arn" {
  description = "ARN of the customers' user pool: the provider of the API's authorizer."
  value       = aws_cognito_user_pool.customers.arn
}

output "user_pool_name" {
  description = "Name of the customers' user pool."
  value       = aws_cognito_user_pool.customers.name
}

output "client_id" {
  description = "ID of the app client: the audience (aud) of the ID tokens the API accepts."
  value       = aws_cognito_user_pool_client.web.id
}

output "email_configuration" {
  description = "How the pool sends its emails: DEVELOPER (through SES, with the identity and From) or COGNITO_DEFAULT."
  value = {
    sending_account = try(one(aws_cognito_user_pool.customers.email_configuration).email_sending_account, "COGNITO_DEFAULT")
    source_arn      = try(one(aws_cognito_user_pool.customers.email_configuration).source_arn, null)
    from_address    = try(one(aws_cognito_user_pool.customers.email_configuration).from_email_address, null)
  }
}
