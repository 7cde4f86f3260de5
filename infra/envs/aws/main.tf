module "order_fanout" {
  source = "../../modules/order-fanout"

  name_prefix = var.name_prefix
  dist_dir    = var.dist_dir
  log_level   = var.log_level
  source_maps = var.source_maps

  function_settings                  = var.function_settings
  queue_visibility_timeout_seconds   = var.queue_visibility_timeout_seconds
  event_source_mappings_enabled      = true
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  max_receive_count                  = var.max_receive_count

  point_in_time_recovery_enabled = true
  deletion_protection_enabled    = true
  log_retention_in_days          = 30
  api_stage_name                 = var.api_stage_name
  api_throttling_burst_limit     = var.api_throttling_burst_limit
  api_throttling_rate_limit      = var.api_throttling_rate_limit
  alarm_email                    = var.alarm_email
  alarm_actions                  = var.alarm_actions
  order_api_reserved_concurrency = var.order_api_reserved_concurrency
  sender_email                   = var.sender_email
  ses_sandbox                    = var.ses_sandbox

  operator_role_enabled           = var.operator_role_enabled
  operator_trusted_principal_arns = var.operator_trusted_principal_arns
}
