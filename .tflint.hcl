# TFLint for infra/ (the pull request workflow runs it; `make lint` checks the same terraform rules
# offline with tools/tf-conventions.ts, since TFLint is not installable everywhere).
#   tflint --init --config "$PWD/.tflint.hcl"
#   tflint --recursive --config "$PWD/.tflint.hcl"
# (an absolute --config: with --recursive a relative path is looked up in each module's directory)
tflint {
  required_version = ">= 0.54"
}

config {
  # Lint the modules the environments call (local sources only; there are no remote ones).
  call_module_type = "local"
}

# The rules terraform-aws-modules run, on top of the recommended preset, except
# terraform_unused_required_providers: modules/order-fanout only composes other modules, and
# still declares the provider (and its lower bound) that they use.
plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

rule "terraform_comment_syntax" {
  enabled = true
}

rule "terraform_deprecated_index" {
  enabled = true
}

rule "terraform_deprecated_interpolation" {
  enabled = true
}

rule "terraform_documented_outputs" {
  enabled = true
}

rule "terraform_documented_variables" {
  enabled = true
}

rule "terraform_module_pinned_source" {
  enabled = true
}

rule "terraform_naming_convention" {
  enabled = true
  format  = "snake_case"
}

rule "terraform_required_providers" {
  enabled = true
}

rule "terraform_required_version" {
  enabled = true
}

rule "terraform_standard_module_structure" {
  enabled = true
}

rule "terraform_typed_variables" {
  enabled = true
}

rule "terraform_unused_declarations" {
  enabled = true
}

rule "terraform_workspace_remote" {
  enabled = true
}

plugin "aws" {
  enabled = true
  version = "0.48.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}
