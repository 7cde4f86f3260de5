variable "region" {
  type        = string
  description = "AWS region to deploy to."
  default     = "us-east-1"
}

variable "dist_dir" {
  type        = string
  description = "Directory holding the function zips: relative to infra/envs/aws (where Terraform runs, with -chdir), or absolute."
  default     = "../../../dist"
}

variable "source_maps" {
  type        = bool
  description = "NODE_OPTIONS=--enable-source-maps on every function, so that stack traces name the TypeScript file and line; off by default: it costs 6 to 15 ms more CPU per cold start (docs/operating.md: Debugging)."
  default     = false
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of every function."
  default     = "INFO"
}

variable "batch_size" {
  type        = number
  description = "Maximum messages per consumer invocation."
  default     = 10
}

variable "maximum_batching_window_in_seconds" {
  type        = number
  description = "Seconds Lambda may wait to fill a batch."
  default     = 0
}

variable "max_receive_count" {
  type        = number
  description = "Receives before a message moves to the DLQ."
  default     = 5
}

variable "function_settings" {
  type = map(object({
    timeout             = optional(number)
    memory_size         = optional(number)
    maximum_concurrency = optional(number)
  }))
  description = "Per-function timeout/memory overrides and the consumers' maximum concurrency (>= 2; defaults inventory 5, billing 5, notification 2, order-status 5), keyed by function name."
  default     = {}
}

variable "queue_visibility_timeout_seconds" {
  type        = map(number)
  description = "Per-queue visibility timeout overrides (>= 6 x the consumer's timeout), keyed by queue name."
  default     = {}
}

variable "api_stage_name" {
  type        = string
  description = "API Gateway stage name."
  default     = "prod"
}

variable "api_throttling_burst_limit" {
  type        = number
  description = "Stage-wide burst limit (requests)."
  default     = 100
}

variable "api_throttling_rate_limit" {
  type        = number
  description = "Stage-wide steady rate limit (requests per second)."
  default     = 50
}

variable "name_prefix" {
  type        = string
  description = "Prepended to every globally named resource, so that environments share an account: \"staging-\", \"prod-\"."
}

variable "alarm_email" {
  type        = string
  description = "Address subscribed to the alerts topic every alarm notifies (AWS mails it a confirmation link); null: no subscription."
  default     = null
}

variable "alarm_actions" {
  type        = list(string)
  description = "ARNs every alarm notifies besides the alerts topic (an on-call tool's SNS topic, say)."
  default     = []
}

variable "order_api_reserved_concurrency" {
  type        = number
  description = "Concurrency reserved for order-api so that the consumers can never starve it; null: none (an account needs 100 unreserved)."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every resource through the provider's default_tags."
  default     = { Project = "order-fanout", ManagedBy = "terraform" }
}

variable "sender_email" {
  type        = string
  description = "The address order emails come from: an SES identity you can verify (example.com cannot be)."
}

variable "operator_role_enabled" {
  type        = bool
  description = "Create the operator role: what make status, make dlq and make dlq-redrive need against this environment (infra/modules/operator)."
  default     = false
}

variable "operator_trusted_principal_arns" {
  type        = list(string)
  description = "Who may assume the operator role (an SSO or CI role's ARN); empty: the account's principals whose own policy allows it."
  default     = []
}

variable "ses_sandbox" {
  type        = bool
  description = "The account is still in the SES sandbox (a new account is): SES then also authorises each email on its recipient's verified identity, and the notification function's role allows that. Set false once AWS has moved the account out."
  default     = true
}

variable "alarms_without_recipients" {
  type        = bool
  description = "Set true to accept alarms that reach only the alerts topic, with nobody subscribed (neither alarm_email nor alarm_actions): the plan warns otherwise."
  default     = false
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Origins (scheme://host[:port]) whose browsers may call the API (CORS preflight answered, responses readable); empty: none."
  default     = []
}

variable "user_pool_from_address" {
  type        = string
  description = "The From of the customers' verification codes, sent through SES as sender_email, e.g. \"Shop <orders@shop.example>\"; null: sender_email itself."
  default     = null
}
