# Empty: infra/ takes no variables (see main.tf).
