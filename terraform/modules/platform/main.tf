# The whole voicepulse platform on GCP: the seven resource modules wired together once, so every
# environment gets the same composition and differs only in the arguments it passes. Variable
# defaults are production's (HA, deletion protection, versioning); a smaller environment overrides them.
locals {
  name = "voicepulse-${var.environment}"
}

resource "google_project_service" "apis" {
  for_each = toset([
    "compute.googleapis.com",
    "container.googleapis.com",
    "sqladmin.googleapis.com",
    "redis.googleapis.com",
    "servicenetworking.googleapis.com",
    "artifactregistry.googleapis.com",
    "iamcredentials.googleapis.com",
  ])
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

module "network" {
  source        = "../network"
  project_id    = var.project_id
  region        = var.region
  name          = local.name
  nodes_cidr    = var.network.nodes_cidr
  pods_cidr     = var.network.pods_cidr
  services_cidr = var.network.services_cidr

  depends_on = [google_project_service.apis]
}

module "gke" {
  source                     = "../gke"
  project_id                 = var.project_id
  region                     = var.region
  name                       = local.name
  network_id                 = module.network.network_id
  subnetwork_id              = module.network.subnetwork_id
  pods_range_name            = module.network.pods_range_name
  services_range_name        = module.network.services_range_name
  autopilot                  = var.gke_autopilot
  master_authorized_networks = var.master_authorized_networks
  node_pool                  = var.node_pool
  deletion_protection        = var.deletion_protection
}

module "cloudsql" {
  source                      = "../cloudsql"
  project_id                  = var.project_id
  region                      = var.region
  name                        = "${local.name}-pg"
  network_id                  = module.network.network_id
  private_services_connection = module.network.private_services_connection
  tier                        = var.cloudsql_tier
  high_availability           = var.high_availability
  deletion_protection         = var.deletion_protection
}

module "memorystore" {
  source                      = "../memorystore"
  project_id                  = var.project_id
  region                      = var.region
  name                        = "${local.name}-redis"
  network_id                  = module.network.network_id
  private_services_connection = module.network.private_services_connection
  memory_size_gb              = var.redis_memory_gb
  high_availability           = var.high_availability
}

module "bucket" {
  source            = "../bucket"
  project_id        = var.project_id
  name              = "${var.project_id}-${local.name}-recordings"
  location          = var.region
  cors_origins      = ["https://${var.hostname}"]
  versioning        = var.bucket_versioning
  delete_after_days = var.recording_retention_days
  force_destroy     = !var.deletion_protection
}

module "registry" {
  source     = "../registry"
  project_id = var.project_id
  location   = var.region

  depends_on = [google_project_service.apis]
}

module "iam" {
  source                 = "../iam"
  project_id             = var.project_id
  workload_pool          = module.gke.workload_pool
  k8s_namespace          = var.k8s_namespace
  k8s_service_account    = var.helm_release_name
  bucket_name            = module.bucket.name
  registry_location      = module.registry.location
  registry_repository_id = module.registry.repository_id
  ci_members             = var.ci_members
}
