# One Google service account for the voicepulse pods, bound to the Kubernetes ServiceAccount via
# Workload Identity. Least privilege: object admin on the recordings bucket only (not project-wide
# storage), Cloud SQL client, and token creation on itself for signed upload URLs without keys.
resource "google_service_account" "app" {
  project      = var.project_id
  account_id   = var.account_id
  display_name = "voicepulse workloads"
}

resource "google_service_account_iam_member" "workload_identity" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.workload_pool}[${var.k8s_namespace}/${var.k8s_service_account}]"
}

resource "google_storage_bucket_iam_member" "objects" {
  bucket = var.bucket_name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.app.email}"
}

resource "google_project_iam_member" "cloudsql_client" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.app.email}"
}

# V4 signed URLs without a key file: the SA signs via the IAM signBlob API as itself.
resource "google_service_account_iam_member" "sign_blobs" {
  service_account_id = google_service_account.app.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.app.email}"
}

# CI pushes images; the cluster nodes pull with their own reader role (gke module).
resource "google_artifact_registry_repository_iam_member" "ci_writer" {
  for_each   = toset(var.ci_members)
  project    = var.project_id
  location   = var.registry_location
  repository = var.registry_repository_id
  role       = "roles/artifactregistry.writer"
  member     = each.value
}
