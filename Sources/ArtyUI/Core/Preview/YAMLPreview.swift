import Yams

/// The preview of a `.yaml`/`.yml` asset: checked by libyaml (through Yams,
/// https://github.com/jpsim/Yams 6.2.2) and re-indented in block style, two spaces per level,
/// so a flow-style `{a: {b: [1, 2]}}` reads as nested lines. Pure.
///
/// A file with comments, anchors or tags is shown as written (re-emitting would drop the comments
/// and tags and expand every alias), as is one that does not parse (a prefix cut inside a string, or not YAML at all), with the reason in its kind.
/// Hostile input is bounded before anything expands: nesting deeper than ``maxDepth`` is never
/// handed to the recursive composer, and aliases that would expand past ``nodeBudget`` nodes
/// (a "billion laughs") are shown as written instead of being re-emitted.
enum YAMLPreview {
    /// Deepest nesting re-indented, as ``nestingDepth(_:)`` over-counts it (indentation in spaces):
    /// 256, a bound on the composer's recursion far from a thread's stack.
    static let maxDepth = 256
    /// Most nodes a re-indented preview may expand to, aliases counted each time used: 20,000.
    static let nodeBudget = 20_000
    /// Most documents (`---`) re-indented from one prefix: 64.
    static let maxDocuments = 64

    /// The preview of YAML `text` (already checked to be text); `cut` when it is the asset's prefix.
    static func document(_ text: String, cut: Bool) -> PreviewDocument {
        func asWritten(_ why: String) -> PreviewDocument {
            PreviewDocument(kind: "YAML (\(why))", extent: "", lines: PreviewDocument.numbered(Sniff.lines(text)), wraps: true)
        }
        if hasComments(text) { return asWritten("shown as written: it has comments") }
        if hasAnchors(text) { return asWritten("shown as written: it uses anchors or tags") }
        guard nestingDepth(text) <= maxDepth else { return asWritten("nested too deeply to re-indent; shown as written") }
        var nodes: [Node] = []
        do {
            let parser = try Parser(yaml: text)
            while let node = try parser.nextRoot() {
                nodes.append(node)
                if nodes.count > maxDocuments { return asWritten("over \(maxDocuments) documents; shown as written") }
            }
        } catch {
            return asWritten(cut ? "cut: shown as written" : "does not parse: shown as written")
        }
        var budget = nodeBudget
        guard nodes.allSatisfy({ fits($0, budget: &budget) }) else {
            return asWritten("aliases expand too far to re-indent; shown as written")
        }
        guard !nodes.isEmpty,
              let out = try? Yams.serialize(nodes: nodes, indent: 2, width: -1, allowUnicode: true,
                                            explicitStart: nodes.count > 1, sequenceStyle: .block, mappingStyle: .block) else {
            return asWritten("shown as written")
        }
        let documents = nodes.count == 1 ? "" : " · \(nodes.count) documents"
        return PreviewDocument(kind: "YAML" + documents + (cut ? " (cut: the prefix's complete part)" : ""), extent: "",
                               lines: PreviewDocument.numbered(Sniff.lines(out)), wraps: true)
    }

    /// True when a line has a comment: `#` at its start or after a space, outside quotes (a `#` inside
    /// a plain scalar such as `a#b` is no comment in YAML).
    static func hasComments(_ text: String) -> Bool {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var quote: Character?
            var previous: Character = " "
            for c in line {
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == "#", previous == " " || previous == "\t" {
                    return true
                }
                previous = c
            }
        }
        return false
    }

    /// True when `text` defines an anchor (`&name`), uses an alias (`*name`) or a tag (`!!binary`,
    /// `!custom`) outside quotes: re-emitting would expand every alias into a copy and drop the
    /// tags (a binary would read as a string), so such a file is shown as written.
    static func hasAnchors(_ text: String) -> Bool {
        var quote: Character?
        var previous: Character = "\n"
        var marker = false
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
            } else if marker, !(c == " " || c == "\n" || c == "\t") {
                return true
            } else if c == "\"" || c == "'" {
                quote = c
            }
            marker = quote == nil && (c == "&" || c == "*" || c == "!") && " \n\t:-[{,".contains(previous)
            previous = c
        }
        return false
    }

    /// An upper bound of how deep `text` nests: per line, its indentation plus the `- ` and `? `
    /// entries opened on it, plus the flow brackets open (at their deepest on the line). Each level of YAML nesting
    /// costs at least one of these, so a text within ``maxDepth`` by this count is within it.
    static func nestingDepth(_ text: String) -> Int {
        var deepest = 0
        var flow = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var indent = 0
            var entries = 0
            var inIndent = true
            var previous: Character = " "
            var quote: Character?
            for c in line {
                if inIndent, c == " " { indent += 1; continue }
                inIndent = false
                if let q = quote {
                    if c == q { quote = nil }
                    previous = c
                    continue
                }
                switch c {
                case "\"", "'": quote = c
                case "[", "{":
                    flow += 1
                    deepest = max(deepest, indent + entries + flow)
                case "]", "}": flow = max(0, flow - 1)
                case " " where previous == "-" || previous == "?": entries += 1
                default: break
                }
                previous = c
            }
            deepest = max(deepest, indent + entries + flow)
        }
        return deepest
    }

    /// Counts `node`'s expanded size against `budget` (aliases are already resolved into shared
    /// copies, so a walk sees each use); false as soon as it is spent, without walking further.
    static func fits(_ node: Node, budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias:
            return true
        case .sequence(let s):
            for child in s where !fits(child, budget: &budget) { return false }
            return true
        case .mapping(let m):
            for (key, value) in m where !fits(key, budget: &budget) || !fits(value, budget: &budget) { return false }
            return true
        }
    }
}
