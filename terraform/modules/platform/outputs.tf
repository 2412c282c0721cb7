output "get_credentials_command" {
  description = "Configure kubectl for the cluster."
  value       = module.gke.get_credentials_command
}

output "image_registry" {
  description = "Push images here (Helm image.registry)."
  value       = module.registry.image_registry
}

# Non-secret Helm values; each environment re-exports this for
# `terraform output -raw helm_values > values-gke.generated.yaml`.
output "helm_values" {
  description = "YAML snippet for charts/voicepulse, layered over values-production.yaml."
  value = yamlencode({
    image = { registry = module.registry.image_registry }
    storage = {
      driver = "gcs"
      bucket = module.bucket.name
      gcs    = { projectId = var.project_id }
    }
    serviceAccount = {
      gcpServiceAccount            = module.iam.service_account_email
      automountServiceAccountToken = true
    }
    ingress = { host = var.hostname }
    keda = {
      redis = { address = module.memorystore.address, enableTLS = true }
    }
    networkPolicy = {
      egress = {
        postgresPorts          = [5432]
        redisPorts             = [module.memorystore.port]
        storagePorts           = [443]
        allowGkeMetadataServer = true
      }
    }
  })
}

# Secret values for the existingSecret (voicepulse-runtime); see docs/deploy.md for the command.
output "runtime_secret" {
  description = "DATABASE_URL, REDIS_URL and REDIS_PASSWORD for the voicepulse-runtime Secret."
  sensitive   = true
  value = {
    DATABASE_URL   = module.cloudsql.database_url
    REDIS_URL      = module.memorystore.redis_url
    REDIS_PASSWORD = module.memorystore.auth_string
  }
}
