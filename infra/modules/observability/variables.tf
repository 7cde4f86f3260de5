variable "name_prefix" {
  type        = string
  description = "Prepended to the dashboard's name and the saved query's folder, so that several environments share an account."
  default     = ""
}

variable "function_names" {
  type        = map(string)
  description = "Each function's deployed name, keyed by function."
}

variable "log_group_names" {
  type        = map(string)
  description = "Each function's log group, keyed by function: the saved query reads them all."
}

variable "queue_names" {
  type        = map(string)
  description = "Each consumer queue's deployed name, keyed by queue."
}

variable "dlq_name" {
  type        = string
  description = "The dead-letter queue's deployed name."
}

variable "stream_reader" {
  type        = string
  description = "The function that reads the orders stream (its IteratorAge is the outbox's lag)."
  default     = "order-publisher"
}
