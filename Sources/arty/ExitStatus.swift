import ArgumentParser
import Foundation

extension Arty {
    /// Runs arty with the exit statuses its scripts rely on: 0 ok, 1 failure, 2 usage
    /// (ArgumentParser's own usage status, 64, is mapped to 2).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
