# Development: Autopilot, zonal/basic tiers, small instances, no deletion protection, no bucket
# versioning, recordings deleted after 30 days. The composition is ../../modules/platform; this root
# holds what makes it dev. State is remote in GCS (bucket passed at init: see docs/deploy.md).
terraform {
  required_version = ">= 1.6"
  backend "gcs" {
    prefix = "voicepulse/dev"
  }
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.14"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

module "platform" {
  source                     = "../../modules/platform"
  environment                = "dev"
  project_id                 = var.project_id
  region                     = var.region
  hostname                   = var.hostname
  master_authorized_networks = var.master_authorized_networks
  ci_members                 = var.ci_members

  # Cheap and disposable: nothing here is worth a standby, a snapshot history or a destroy guard.
  gke_autopilot            = true
  high_availability        = false
  deletion_protection      = false
  bucket_versioning        = false
  recording_retention_days = 30
  redis_memory_gb          = 1
  cloudsql_tier            = "db-custom-1-3840"
}
