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
