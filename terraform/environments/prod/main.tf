# Production: regional HA everywhere, deletion protection on. The composition is
# ../../modules/platform, whose defaults are production's (Standard GKE with an autoscaled node
# pool, regional Cloud SQL, STANDARD_HA Memorystore, versioned bucket, recordings kept), so this
# root passes only what identifies the installation. State is remote in GCS (bucket passed at
# init: see docs/deploy.md).
terraform {
  required_version = ">= 1.6"
  backend "gcs" {
    prefix = "voicepulse/prod"
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
  environment                = "prod"
  project_id                 = var.project_id
  region                     = var.region
  hostname                   = var.hostname
  master_authorized_networks = var.master_authorized_networks
  ci_members                 = var.ci_members
}
