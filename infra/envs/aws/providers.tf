# Credentials and account come from the environment (profile, SSO, CI role).
provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}
