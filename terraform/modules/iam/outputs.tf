output "service_account_email" {
  description = "Google service account the pods act as (serviceAccount.gcpServiceAccount)."
  value       = google_service_account.app.email
}
