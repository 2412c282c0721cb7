output "repository_id" {
  description = "Repository id."
  value       = google_artifact_registry_repository.this.repository_id
}

output "location" {
  description = "Repository location."
  value       = google_artifact_registry_repository.this.location
}

output "image_registry" {
  description = "Prefix for image names (Helm value image.registry)."
  value       = "${var.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.this.repository_id}"
}
