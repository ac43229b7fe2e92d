import Foundation

extension ActionText {
    /// The status line after a label write, from what the server holds afterwards:
    /// `Saved aliases of 2.0.0: [hot] → [hot, cold] · moved prod: 1.0.0 → 2.0.0 · hot was added by someone else; kept`.
    public static func labelsSaved(_ edit: LabelEdit, _ outcome: LabelWriteOutcome) -> String {
        let target = edit.version.map { " of \($0.version)" } ?? ""
        var parts = ["Saved \(edit.kind.plural)\(target): [\(LabelGrammar.format(outcome.before))] → [\(LabelGrammar.format(outcome.after))]"]
        if !outcome.moves.isEmpty { parts.append("moved " + outcome.moves.map(\.description).joined(separator: ", ")) }
        // Labels others added since the review are in `before`; say so when they were not in the review.
        let othersAdded = outcome.before.filter { !edit.before.contains($0) && !edit.delta.add.contains($0) }
        parts += (edit.concurrent.add + othersAdded).map { "\($0) was added by someone else; kept" }
        parts += edit.concurrent.remove.map { "\($0) was removed by someone else" }
        if !outcome.removedByOthers.isEmpty {
            parts.append("meanwhile someone else removed \(LabelGrammar.format(outcome.removedByOthers))")
        }
        return parts.joined(separator: " · ")
    }
}
