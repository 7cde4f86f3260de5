output "api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage_name" {
  description = "Name of the deployed stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "invoke_url" {
  description = "Base URL of the stage; append /orders."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "execution_arn" {
  description = "Execution ARN of the API (the prefix of its lambda:InvokeFunction source ARNs)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "name" {
  description = "Name of the REST API."
  value       = aws_api_gateway_rest_api.this.name
}

output "deployment_trigger" {
  description = "Hash of the configuration the deployment snapshots: a new value takes a new deployment."
  value       = aws_api_gateway_deployment.this.triggers["redeployment"]
}

output "authorizer_id" {
  description = "ID of the Cognito authorizer every method uses."
  value       = aws_api_gateway_authorizer.customers.id
}

output "xray_tracing_enabled" {
  description = "Whether the stage traces its requests with X-Ray."
  value       = aws_api_gateway_stage.this.xray_tracing_enabled
}
