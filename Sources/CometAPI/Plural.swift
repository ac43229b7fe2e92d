/// Counted nouns and verbs in English for every message of the CLI and the TUI: `1 file`,
/// `2 files`, `1 exists already`, `3 exist already`. Pure.
public enum Plural {
    /// `count` and the noun: `1 file`, `0 files`, `2 files`; `plural` for irregular nouns
    /// (default: the noun + `s`).
    public static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) " + noun(count, singular, plural)
    }

    /// The noun alone, singular when `count` is 1: `file` / `files`.
    public static func noun(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        count == 1 ? singular : (plural ?? singular + "s")
    }

    /// The verb for a subject counted `count`: `exists` for 1, `exist` otherwise (the plural form
    /// is given, the singular is it + `s`; `verb(1, "are", "is")` for irregular ones).
    public static func verb(_ count: Int, _ plural: String, _ singular: String? = nil) -> String {
        count == 1 ? (singular ?? plural + "s") : plural
    }
}
