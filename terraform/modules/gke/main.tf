# Regional, private, VPC-native cluster with Workload Identity (pods act as Google service
# accounts without keys). Standard mode gets one autoscaled node pool; Autopilot manages nodes.
locals {
  workload_pool = "${var.project_id}.svc.id.goog"
}

resource "google_container_cluster" "this" {
  project             = var.project_id
  name                = var.name
  location            = var.region
  network             = var.network_id
  subnetwork          = var.subnetwork_id
  enable_autopilot    = var.autopilot ? true : null
  deletion_protection = var.deletion_protection

  # Standard mode: the default pool cannot be configured well, so it is replaced by ours.
  remove_default_node_pool = var.autopilot ? null : true
  initial_node_count       = var.autopilot ? null : 1

  release_channel {
    channel = var.release_channel
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = var.pods_range_name
    services_secondary_range_name = var.services_range_name
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = var.autopilot ? null : var.master_cidr
  }

  master_authorized_networks_config {
    dynamic "cidr_blocks" {
      for_each = var.master_authorized_networks
      content {
        cidr_block   = cidr_blocks.value.cidr
        display_name = cidr_blocks.value.name
      }
    }
  }

  dynamic "workload_identity_config" {
    for_each = var.autopilot ? [] : [1]
    content {
      workload_pool = local.workload_pool
    }
  }

  # Dataplane V2 enforces the chart's NetworkPolicies.
  datapath_provider = var.autopilot ? null : "ADVANCED_DATAPATH"

  maintenance_policy {
    recurring_window {
      start_time = "2024-01-06T02:00:00Z"
      end_time   = "2024-01-06T06:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=SA,SU"
    }
  }
}

resource "google_service_account" "nodes" {
  count        = var.autopilot ? 0 : 1
  project      = var.project_id
  account_id   = "${var.name}-nodes"
  display_name = "GKE nodes of ${var.name}"
}

# Minimal node roles (logs, metrics, image pulls) instead of the Compute default service account.
resource "google_project_iam_member" "nodes" {
  for_each = var.autopilot ? toset([]) : toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
    "roles/artifactregistry.reader",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes[0].email}"
}

resource "google_container_node_pool" "default" {
  count    = var.autopilot ? 0 : 1
  project  = var.project_id
  name     = "default"
  location = var.region
  cluster  = google_container_cluster.this.name

  autoscaling {
    min_node_count = var.node_pool.min_nodes_per_zone
    max_node_count = var.node_pool.max_nodes_per_zone
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.node_pool.machine_type
    disk_size_gb    = var.node_pool.disk_size_gb
    disk_type       = "pd-balanced"
    spot            = var.node_pool.spot
    service_account = google_service_account.nodes[0].email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }
}
