module "order_fanout" {
  source = "../../modules/order-fanout"

  name_prefix       = var.name_prefix
  dist_dir          = var.dist_dir
  log_level         = var.log_level
  source_maps       = var.source_maps
  extra_environment = var.functions_endpoint == null ? {} : { AWS_ENDPOINT_URL = var.functions_endpoint }

  event_source_mappings_enabled      = var.event_source_mappings_enabled
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  max_receive_count                  = var.max_receive_count

  # Emulators implement continuous backups partially at best, and local data is disposable.
  point_in_time_recovery_enabled = false
  deletion_protection_enabled    = false
  log_retention_in_days          = 1
  api_stage_name                 = "local"
  # `make token` signs demo customers in with their password (USER_PASSWORD_AUTH).
  password_auth_enabled = true
}
