// CometAPI: arty's client for Comet's REST API v2 (see ../shared/reference/comet-rest-v2.md).
//
// Layout
//   Configuration/  CometConfiguration: flag > env > COMET_CONFIG > ./.comet.config > ~/.comet.config (§1.3),
//                   REST root from scheme://host:port of the URL override (§1.1); INIFile.
//   HTTP/           HTTPTransport (protocol) and CurlTransport (one curl multi handle on one dedicated thread:
//                   keep-alive reuse, parallel transfers, gzip, Range, timeouts, cancellation, streaming to disk,
//                   multipart uploads streamed from disk); RetryPolicy (5xx/429 with backoff and Retry-After);
//                   QueryEncoding (the SDK's double-encoded artifactName, §1.6).
//   Client/         CometClient: ArtifactReading plus download, write and upload endpoints (§2).
//   Listing/        What `arty ls` prints (pure).
//   Models/         Artifact, ArtifactVersion, Asset, ... and SemanticVersion (shared with the other modules).
//   CometAPIError, Redaction (the API key never appears in any message), ArtifactReference, LogicalPath.
//
// Only CurlTransport touches libcurl; everything else is pure or goes through HTTPTransport.
