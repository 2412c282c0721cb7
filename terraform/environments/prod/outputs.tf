# The platform's outputs, re-exported at the root where docs/deploy.md reads them.
output "get_credentials_command" {
  description = "Configure kubectl for the cluster."
  value       = module.platform.get_credentials_command
}

output "image_registry" {
  description = "Push images here (Helm image.registry)."
  value       = module.platform.image_registry
}

output "helm_values" {
  description = "YAML snippet for charts/voicepulse, layered over values-production.yaml."
  value       = module.platform.helm_values
}

output "runtime_secret" {
  description = "DATABASE_URL, REDIS_URL and REDIS_PASSWORD for the voicepulse-runtime Secret."
  sensitive   = true
  value       = module.platform.runtime_secret
}
