// ArtifactRegistry
