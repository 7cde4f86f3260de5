variable "name" {
  type        = string
  description = "Name of the REST API."
  default     = "order-api"
}

variable "function_name" {
  type        = string
  description = "Name of the Lambda function behind every route (API Gateway needs permission to invoke it)."
  default     = "order-api"
}

variable "function_invoke_arn" {
  type        = string
  description = "Invoke ARN of that function, for the AWS_PROXY integrations."
  nullable    = false
}

variable "user_pool_arns" {
  type        = list(string)
  description = "Cognito user pools whose ID tokens the authorizer accepts (every method requires one)."
  default     = []

  validation {
    condition     = length(var.user_pool_arns) > 0
    error_message = "user_pool_arns must name at least one user pool: every method requires a signed-in customer."
  }
}

variable "stage_name" {
  type        = string
  description = "Stage the API is deployed to (part of the invoke URL)."
  default     = "prod"
}

variable "throttling_burst_limit" {
  type        = number
  description = "Requests the stage accepts in a burst, across all methods, before answering 429."
  default     = 100

  validation {
    condition     = var.throttling_burst_limit >= 0
    error_message = "throttling_burst_limit must be >= 0."
  }
}

variable "throttling_rate_limit" {
  type        = number
  description = "Steady-state requests per second the stage accepts, across all methods."
  default     = 50

  validation {
    condition     = var.throttling_rate_limit >= 0
    error_message = "throttling_rate_limit must be >= 0."
  }
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Origins (scheme://host[:port]) whose browsers may call the API: their CORS preflight (OPTIONS, no authorizer) reaches the function, which answers them. Empty: no OPTIONS route."
  default     = []

  validation {
    condition     = alltrue([for o in var.cors_allowed_origins : can(regex("^https?://[^/*\\s]+$", o))])
    error_message = "cors_allowed_origins must be origins such as https://shop.example or http://localhost:5173: a scheme and a host, no path, no wildcard."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the API and the stage."
  default     = {}
}

variable "xray_tracing_enabled" {
  type        = bool
  description = "X-Ray tracing of the stage's requests."
  default     = false
}
