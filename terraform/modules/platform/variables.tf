variable "project_id" {
  type        = string
  description = "GCP project to deploy into."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid GCP project id."
  }
}

variable "environment" {
  type        = string
  description = "Environment name, used in resource names."
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  type        = string
  description = "Region for every regional resource."
  default     = "europe-west1"
}

variable "hostname" {
  type        = string
  description = "Public hostname of the app (Ingress host, bucket CORS origin)."
  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.[a-z]{2,}$", var.hostname))
    error_message = "hostname must be a DNS name such as voicepulse.example.com."
  }
}

variable "network" {
  type = object({
    nodes_cidr    = string
    pods_cidr     = string
    services_cidr = string
  })
  description = "Node, pod and Service ranges."
  default = {
    nodes_cidr    = "10.10.0.0/20"
    pods_cidr     = "10.64.0.0/14"
    services_cidr = "10.68.0.0/20"
  }
}

variable "gke_autopilot" {
  type        = bool
  description = "GKE Autopilot instead of Standard with a node pool."
  default     = false
}

variable "master_authorized_networks" {
  type = list(object({
    cidr = string
    name = string
  }))
  description = "CIDRs allowed to reach the Kubernetes API."
  default     = []
}

variable "node_pool" {
  type = object({
    machine_type       = string
    min_nodes_per_zone = number
    max_nodes_per_zone = number
    disk_size_gb       = number
    spot               = bool
  })
  description = "Standard-mode node pool."
  default = {
    machine_type       = "e2-standard-4"
    min_nodes_per_zone = 1
    max_nodes_per_zone = 5
    disk_size_gb       = 100
    spot               = false
  }
}

variable "cloudsql_tier" {
  type        = string
  description = "Cloud SQL machine tier."
  default     = "db-custom-2-7680"
}

variable "redis_memory_gb" {
  type        = number
  description = "Memorystore capacity in GB."
  default     = 2
}

variable "high_availability" {
  type        = bool
  description = "Regional Cloud SQL and STANDARD_HA Memorystore."
  default     = true
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the cluster, database and bucket from destroy."
  default     = true
}

variable "bucket_versioning" {
  type        = bool
  description = "Object versioning on the recordings bucket."
  default     = true
}

variable "recording_retention_days" {
  type        = number
  description = "Delete recordings after this many days (null = never)."
  default     = null
}

variable "k8s_namespace" {
  type        = string
  description = "Namespace the Helm release is installed into."
  default     = "voicepulse"
}

variable "helm_release_name" {
  type        = string
  description = "Helm release name; the chart's ServiceAccount is named after it."
  default     = "voicepulse"
}

variable "ci_members" {
  type        = list(string)
  description = "IAM members allowed to push images."
  default     = []
}
