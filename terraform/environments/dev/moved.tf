# State written before modules/platform existed keeps its objects at the root; these move them
# into module.platform instead of planning a destroy and re-create. Remove once every state of
# this environment has been applied with them.
moved {
  from = google_project_service.apis
  to   = module.platform.google_project_service.apis
}

moved {
  from = module.network
  to   = module.platform.module.network
}

moved {
  from = module.gke
  to   = module.platform.module.gke
}

moved {
  from = module.cloudsql
  to   = module.platform.module.cloudsql
}

moved {
  from = module.memorystore
  to   = module.platform.module.memorystore
}

moved {
  from = module.bucket
  to   = module.platform.module.bucket
}

moved {
  from = module.registry
  to   = module.platform.module.registry
}

moved {
  from = module.iam
  to   = module.platform.module.iam
}
