variable "endpoint" {
  type        = string
  description = "URL of the AWS emulator. Also given to the functions as AWS_ENDPOINT_URL."
  default     = "http://127.0.0.1:4566"
}

variable "region" {
  type        = string
  description = "Region the emulator is addressed in."
  default     = "us-east-1"
}

variable "dist_dir" {
  type        = string
  description = "Directory holding the function zips: relative to infra/envs/local (where Terraform runs, with -chdir), or absolute."
  default     = "../../../dist"
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of every function."
  default     = "DEBUG"
}

variable "batch_size" {
  type        = number
  description = "Maximum messages per consumer invocation (the local runtime applies it)."
  default     = 10
}

variable "maximum_batching_window_in_seconds" {
  type        = number
  description = "Seconds to wait to fill a batch (the local runtime applies it)."
  default     = 0
}

variable "max_receive_count" {
  type        = number
  description = "Receives before a message moves to the DLQ."
  default     = 3
}

variable "event_source_mappings_enabled" {
  type        = bool
  description = "Keep false against moto: its own mapping delivery fails without Docker and drives messages into the DLQ."
  default     = false
}

