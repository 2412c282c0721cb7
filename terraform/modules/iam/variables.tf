variable "project_id" {
  type        = string
  description = "GCP project."
}

variable "account_id" {
  type        = string
  description = "Account id of the workload Google service account."
  default     = "voicepulse-app"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.account_id))
    error_message = "account_id must be 6-30 lowercase letters, digits or hyphens."
  }
}

variable "workload_pool" {
  type        = string
  description = "Workload Identity pool of the cluster (<project>.svc.id.goog)."
  validation {
    condition     = endswith(var.workload_pool, ".svc.id.goog")
    error_message = "workload_pool must end with .svc.id.goog."
  }
}

variable "k8s_namespace" {
  type        = string
  description = "Namespace of the Helm release."
  default     = "voicepulse"
}

variable "k8s_service_account" {
  type        = string
  description = "Kubernetes ServiceAccount the chart creates (the release fullname by default)."
  default     = "voicepulse"
}

variable "bucket_name" {
  type        = string
  description = "Recordings bucket the workloads may read and write."
}

variable "registry_location" {
  type        = string
  description = "Artifact Registry location."
}

variable "registry_repository_id" {
  type        = string
  description = "Artifact Registry repository id."
}

variable "ci_members" {
  type        = list(string)
  description = "IAM members (e.g. serviceAccount:ci@...) allowed to push images."
  default     = []
  validation {
    condition     = alltrue([for m in var.ci_members : can(regex("^(serviceAccount|user|group|principal|principalSet):", m))])
    error_message = "ci_members entries must be IAM member strings such as serviceAccount:ci@proj.iam.gserviceaccount.com."
  }
}
