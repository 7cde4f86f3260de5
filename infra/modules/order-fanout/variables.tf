variable "dist_dir" {
  type        = string
  description = "Directory holding the function zips (<name>.zip), relative to the directory Terraform runs in, or absolute."
  default     = "dist"
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of every function."
  default     = "INFO"
}

variable "source_maps" {
  type        = bool
  description = "NODE_OPTIONS=--enable-source-maps on every function: stack traces name the TypeScript file and line (the zips carry the maps), for 6 to 15 ms more CPU per cold start."
  default     = false
}

variable "extra_environment" {
  type        = map(string)
  description = "Variables added to every function (AWS_ENDPOINT_URL on the local stack)."
  default     = {}
}

variable "function_settings" {
  type = map(object({
    timeout     = optional(number)
    memory_size = optional(number)
    # Queue consumers only: the most concurrent invocations their mapping may start (>= 2).
    maximum_concurrency = optional(number)
  }))
  description = "Per-function overrides of timeout (seconds), memory (MB) and, for the consumers, maximum concurrency (defaults: inventory 5, billing 5, notification 2, order-status 5), keyed by function name."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.function_settings) : contains(keys(local.functions), k)])
    error_message = "function_settings keys must be function names: ${join(", ", keys(local.functions))}."
  }
}

variable "queue_visibility_timeout_seconds" {
  type        = map(number)
  description = "Per-queue visibility timeout overrides, keyed by queue name (default 60 s: 6 x the default 10 s function timeout)."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.queue_visibility_timeout_seconds) : contains(keys(local.queues), k)])
    error_message = "queue_visibility_timeout_seconds keys must be queue names: ${join(", ", keys(local.queues))}."
  }
}

variable "max_receive_count" {
  type        = number
  description = "Receives before a message moves to the DLQ."
  default     = 5
}

variable "event_source_mappings_enabled" {
  type        = bool
  description = "Whether Lambda polls the queues (false on the local stack: the local runtime polls)."
  default     = true
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

variable "log_retention_in_days" {
  type        = number
  description = "Retention of the functions' log groups."
  default     = 14
}

variable "point_in_time_recovery_enabled" {
  type        = bool
  description = "PITR on every table."
  default     = true
}

variable "deletion_protection_enabled" {
  type        = bool
  description = "Deletion protection on every table."
  default     = false
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

variable "sender_email" {
  type        = string
  description = "SES sender identity of the notification service."
  default     = "orders@example.com"
}

variable "alarm_actions" {
  type        = list(string)
  description = "ARNs every alarm notifies besides the stack's alerts topic (an on-call tool's topic, say)."
  default     = []
}

variable "alarm_email" {
  type        = string
  description = "Address subscribed to the alerts topic (it must confirm); null: none."
  default     = null
}

variable "oldest_message_alarm_seconds" {
  type        = number
  description = "Age (seconds) of a queue's oldest message above which its alarm fires."
  default     = 300
}

variable "placed_order_alarm_seconds" {
  type        = number
  description = "Seconds an order may stay PLACED before the orders-stuck-placed alarm fires."
  default     = 300
}

variable "order_api_reserved_concurrency" {
  type        = number
  description = "Concurrency reserved for order-api, so that the consumers can never starve it (also its ceiling); null: none."
  default     = null
}

variable "name_prefix" {
  type        = string
  description = "Prepended to every globally named resource (tables, topics, queues, functions, roles, log groups, alarms, the API, the user pool), so that several environments share an account. Empty keeps the original design's names."
  default     = ""

  validation {
    condition     = can(regex("^([a-z][a-z0-9-]{0,18}-)?$", var.name_prefix))
    error_message = "name_prefix must be empty or lower-case letters, digits and '-', starting with a letter and ending with '-' (at most 20 characters), e.g. \"staging-\"."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every resource that takes them."
  default     = {}
}

variable "password_auth_enabled" {
  type        = bool
  description = "Let the app client sign in with USER_PASSWORD_AUTH (the local stack's `make token`); off on AWS, where clients use SRP."
  default     = false
}

variable "operator_role_enabled" {
  type        = bool
  description = "Create the operator role (modules/operator): exactly what make status, make dlq and make dlq-redrive need against this stack."
  default     = false
}

variable "operator_trusted_principal_arns" {
  type        = list(string)
  description = "Who may assume the operator role; empty: the account's principals whose own policy allows it."
  default     = []
}

variable "ses_sandbox" {
  type        = bool
  description = "The account is in the SES sandbox (every new account is, until AWS moves it out): the notification function may also send to the account's verified identities, from the sender's address only."
  default     = false
}
