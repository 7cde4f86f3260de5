# Empty: infra/ has no outputs (see main.tf).
