import ArgumentParser
import ArtifactRegistry
import Foundation

/// `arty registry`: offline maintenance of a local registry's data directory.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Check and clean a local registry's data directory.",
        subcommands: [Check.self, GC.self]
    )

    /// `arty registry check --data DIR [--repair] [--json]`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Verify every blob against its sha256 name and every asset against its blob.",
            discussion: """
                Reports each corrupt blob (with the WORKSPACE/ARTIFACT:VERSION and logical path of every asset using it) \
                and each asset whose blob is missing. Changes nothing unless --repair is given: then corrupt blobs are \
                moved to DIR/quarantine/ and the assets left without bytes are listed; asset rows are never deleted. \
                Exit status 1 when a problem was found.
                """
        )

        @Option(name: .long, help: "Data directory of the registry.")
        var data: String

        @Flag(name: .long, help: "Move corrupt blobs to DIR/quarantine/.")
        var repair = false

        @Flag(name: .long, help: "Print the report as JSON.")
        var json = false

        func run() async throws {
            let dir = URL(fileURLWithPath: data, isDirectory: true).standardizedFileURL
            let report: CheckReport
            do {
                report = try RegistryMaintenance.check(dataDirectory: dir, repair: repair)
            } catch let error as MaintenanceError {
                printError("arty registry check: \(error)")
                throw ExitCode(1)
            }
            print(json ? report.json().serialized() : report.lines().joined(separator: "\n"))
            if report.problemCount > 0 { throw ExitCode(1) }
        }
    }

    /// `arty registry gc --data DIR [--dry-run]`.
    struct GC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Remove blobs no asset references and temporary files older than an hour.",
            discussion: "Prints each file removed and the bytes freed. Refused while arty serve runs on DIR."
        )

        @Option(name: .long, help: "Data directory of the registry (not being served).")
        var data: String

        @Flag(name: .long, help: "List what would be removed; remove nothing.")
        var dryRun = false

        func run() async throws {
            let dir = URL(fileURLWithPath: data, isDirectory: true).standardizedFileURL
            do {
                let report = try RegistryMaintenance.collectGarbage(dataDirectory: dir, dryRun: dryRun)
                print(report.lines().joined(separator: "\n"))
            } catch let error as MaintenanceError {
                printError("arty registry gc: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
