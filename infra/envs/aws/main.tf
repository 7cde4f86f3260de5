module "order_fanout" {
  source = "../../modules/order-fanout"

  cors_allowed_origins = var.cors_allowed_origins
  # X-Ray on the functions, the stage and the topic; the dashboard and the saved timeline query.
  observability_enabled = true
  # Verification codes through SES (sender_email's identity), not Cognito's own few dozen a day.
  user_pool_ses_from_address = coalesce(var.user_pool_from_address, var.sender_email)

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

# Every alarm notifies the alerts topic, but a topic nobody is subscribed to reaches nobody: a DLQ
# filling up or orders stuck PLACED would go unseen. A check, not a validation: the plan still
# applies (an address can be subscribed later), and says so in its warnings.
check "alarms_reach_someone" {
  assert {
    condition     = var.alarm_email != null || length(var.alarm_actions) > 0 || var.alarms_without_recipients
    error_message = "No alarm reaches anyone: set alarm_email (subscribed to the alerts topic) or alarm_actions, or alarms_without_recipients = true to accept it."
  }
}
