output "name" {
  description = "Bucket name (STORAGE_BUCKET)."
  value       = google_storage_bucket.this.name
}

output "url" {
  description = "gs:// URL."
  value       = google_storage_bucket.this.url
}
