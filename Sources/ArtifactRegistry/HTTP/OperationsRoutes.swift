import Foundation
import Hummingbird

/// The registry's answers outside the artifact protocol: the health probe and the experiment
/// calls of the official Python SDK that are accepted and dropped (issue 15; the table and the
/// reasons are in `docs/registry.md`).
extension RegistryResponder {
    /// `GET /health`: answered without an API key.
    static let healthPath = "/health"

    /// POST paths the Python SDK's `Experiment` sends that the registry does not model: each is
    /// answered `200 {}` (reference §2.14, §5.2, §5.4 (b)). Every other unknown path is a 404.
    ///
    /// - `/clientlib/asset/3d-limits`: start-up limits query (a failure is swallowed);
    /// - `/clientlib/batch/logger/experiment/metric` and `…/parameter`: metric and parameter batches
    ///   (a non-2xx reply logs an ERROR in the user's console);
    /// - `/clientlib/notification/experiment`: end-of-run summary;
    /// - `/clientlib/git-patch/upload`: the uncommitted git diff (multipart), inside a git repository;
    /// - `write/experiment/update-status`, `…/file-path`, `…/system-details`, `…/output`,
    ///   `…/git/metadata`, `…/git/patch`, under both REST roots (`/api/rest/v2/` and the SDK's
    ///   alternate `/clientlib/rest/v2/`).
    static let acceptedExperimentCalls: Set<String> = {
        var paths: Set<String> = [
            "/clientlib/asset/3d-limits",
            "/clientlib/batch/logger/experiment/metric",
            "/clientlib/batch/logger/experiment/parameter",
            "/clientlib/notification/experiment",
            "/clientlib/git-patch/upload",
        ]
        for endpoint in ["update-status", "file-path", "system-details", "output", "git/metadata", "git/patch"] {
            for root in ["/api/rest/v2/", "/clientlib/rest/v2/"] { paths.insert(root + "write/experiment/" + endpoint) }
        }
        return paths
    }()

    /// `200 {"status":"ok"}` when the database answers `SELECT 1`; otherwise 503 with Comet's
    /// error body (the cause is logged, not sent).
    func health() -> Response {
        do {
            try store.ping()
            return Self.json(.object([("status", .string("ok"))]))
        } catch {
            logger.error("health check failed: \(String(describing: error))")
            return Self.json(RegistryError(status: 503, message: "The registry database does not answer").body, status: 503)
        }
    }
}
