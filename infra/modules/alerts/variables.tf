variable "account_arn" {
  type        = string
  description = "Any ARN of this stack's account and partition (arn:<partition>:<service>:<region>:<account>:...): the KMS key's policy names the account."
  default     = null

  validation {
    condition     = var.account_arn != null
    error_message = "account_arn is required."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prepended to the topic and alarm names, so that several environments share an account."
  default     = ""
}

variable "alarm_email" {
  type        = string
  description = "Address subscribed to the alerts topic (it must confirm the subscription); null: no subscription."
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an email address (or null)."
  }
}

variable "extra_alarm_actions" {
  type        = list(string)
  description = "ARNs notified besides the alerts topic (an on-call tool's topic, say)."
  default     = []
}

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of the functions' own metrics (POWERTOOLS_METRICS_NAMESPACE)."
  default     = "order-fanout"
}

variable "placed_order_alarm_seconds" {
  type        = number
  description = "Seconds an order may stay PLACED before its alarm fires."
  default     = 300
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the key, the topic and the alarms."
  default     = {}
}
