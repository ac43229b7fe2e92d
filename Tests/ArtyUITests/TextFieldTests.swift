@testable import ArtyUI
import Testing

@Suite struct TextFieldTests {
    /// The field after typing `text` into an empty field, then `keys`.
    func field(_ text: String, _ keys: Key...) -> TextField {
        var f = TextField()
        for c in text {
            let used = f.handle(.char(c))
            #expect(used)
        }
        for key in keys {
            let used = f.handle(key)
            #expect(used, "\(key) was not the field's")
        }
        return f
    }

    @Test func typingInsertsAtTheCursor() {
        let f = field("foo", .left, .left, .char("x"))
        #expect(f.text == "fxoo")
        #expect(f.cursor == 2)
        #expect(field("ab", .home, .char("<"), .end, .char(">")).text == "<ab>")
    }

    @Test func leftAndRightStopAtTheEnds() {
        #expect(field("ab", .left, .left, .left).cursor == 0)
        #expect(field("ab", .right).cursor == 2)
        #expect(field("ab", .home, .right).cursor == 1)
    }

    @Test func homeEndAndTheirControlKeys() {
        #expect(field("abc", .home).cursor == 0)
        #expect(field("abc", .ctrl("a")).cursor == 0)
        #expect(field("abc", .home, .end).cursor == 3)
        #expect(field("abc", .home, .ctrl("e")).cursor == 3)
    }

    @Test func backspaceDeletesBeforeAndDeleteAtTheCursor() {
        let back = field("abc", .left, .backspace)
        #expect(back.text == "ac")
        #expect(back.cursor == 1)
        let del = field("abc", .left, .left, .delete)
        #expect(del.text == "ac")
        #expect(del.cursor == 1)
        // At the edges they change nothing, and are still the field's keys.
        #expect(field("ab", .home, .backspace).text == "ab")
        #expect(field("ab", .delete).text == "ab")
    }

    @Test func controlUAndKDeleteToTheStartAndTheEnd() {
        let u = field("hello world", .left, .left, .ctrl("u"))
        #expect(u.text == "ld")
        #expect(u.cursor == 0)
        let k = field("hello world", .left, .left, .ctrl("k"))
        #expect(k.text == "hello wor")
        #expect(k.cursor == 9)
    }

    @Test func controlWDeletesTheWordBeforeTheCursor() {
        #expect(field("cats, dogs", .ctrl("w")).text == "cats, ")
        // Spaces before the cursor go with the word, as readline's unix-word-rubout does.
        #expect(field("cats, dogs  ", .ctrl("w")).text == "cats, ")
        #expect(field("cats, dogs", .ctrl("w"), .ctrl("w")).text == "")
        let middle = field("one two three", .left, .left, .left, .left, .left, .left, .ctrl("w"))
        #expect(middle.text == "one  three")
        #expect(middle.cursor == 4)
    }

    @Test func otherKeysAreLeftToTheOwner() {
        var f = TextField("abc")
        for key: Key in [.enter, .escape, .up, .down, .tab, .pageUp, .ctrl("c")] {
            let used = f.handle(key)
            #expect(!used, "\(key) was taken")
        }
        #expect(f == TextField("abc"))
    }

    @Test func theCursorCountsCharactersNotScalars() {
        // `e` + U+0301 is one character: one ← crosses it, Backspace removes it whole.
        let f = field("ae\u{301}b", .left, .left)
        #expect(f.cursor == 1)
        #expect(field("ae\u{301}", .backspace).text == "a")
        // A combining mark typed after a letter joins it; the cursor stays after it.
        let joined = field("e", .char("\u{301}"), .char("x"))
        #expect(joined.text == "e\u{301}x")
        #expect(joined.cursor == 2)
    }

    @Test func aShortTextShowsWhole() {
        let view = field("abc", .left).visible(width: 10)
        #expect(view.text == "abc")
        #expect(view.cursorColumn == 2)
        let end = field("abc").visible(width: 4)
        #expect(end.text == "abc")
        #expect(end.cursorColumn == 3)
    }

    @Test func aLongTextScrollsSoTheCursorShows() {
        let text = "abcdefghijklmnopqrst"  // 20 cells in a 10-cell field
        let end = field(text).visible(width: 10)
        #expect(end.cursorColumn < 10)
        #expect(end.text.hasSuffix("t"))
        #expect(end.cursorColumn == end.text.count)  // after the last character
        let start = field(text, .home).visible(width: 10)
        #expect(start.text == "abcdefghij")
        #expect(start.cursorColumn == 0)
        // Moving within the step does not shift the text under the cursor.
        let a = field(text, .home, .right, .right, .right, .right, .right, .right, .right, .right, .right).visible(width: 10)
        #expect(a.text == "abcdefghij")
        #expect(a.cursorColumn == 9)
        let b = field(text, .home, .right, .right, .right, .right, .right, .right, .right, .right, .right, .right).visible(width: 10)
        #expect(b.text == "fghijklmno")  // one step (half the width) further
        #expect(b.cursorColumn == 5)
        let c = field(text, .home, .right, .right, .right, .right, .right, .right, .right, .right, .right, .right, .right).visible(width: 10)
        #expect(c.text == b.text)
        #expect(c.cursorColumn == 6)
    }

    @Test func wideCharactersScrollByCells() {
        let f = field("研究チーム研究チーム")  // 10 characters, 20 cells
        let end = f.visible(width: 9)
        #expect(DisplayWidth.of(end.text) <= 9)
        #expect(end.cursorColumn + 1 <= 9)
        #expect(end.text.hasSuffix("ム"))
        // The cursor on a wide character covers both its cells: it must fit whole.
        var home = f
        _ = home.handle(.home)
        for _ in 0..<4 { _ = home.handle(.right) }
        let view = home.visible(width: 9)
        // 8 cells before the cursor and 2 under it do not fit 9: one step (4 cells) scrolls.
        #expect(view.text == "チーム研")  // the next wide character would straddle the edge
        #expect(view.cursorColumn == 4)
        _ = home.handle(.right)
        let scrolled = home.visible(width: 9)
        #expect(scrolled.text == "チーム研")
        #expect(scrolled.cursorColumn == 6)
        #expect(DisplayWidth.of(scrolled.text) <= 9)
    }

    @Test func combiningMarksTakeNoCells() {
        let f = field("e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}")  // 5 characters, 5 cells
        let view = f.visible(width: 6)
        #expect(view.text == f.text)
        #expect(view.cursorColumn == 5)
        let narrow = f.visible(width: 4)
        #expect(narrow.cursorColumn < 4)
        #expect(DisplayWidth.of(narrow.text) <= 4)
    }

    @Test func renderedDrawsTheCaretAtTheCursor() {
        #expect(field("foo", .left, .left).rendered(width: 10) == "f▏oo")
        #expect(field("foo").rendered(width: 10) == "foo▏")
        #expect(field("研究", .left).rendered(width: 10) == "研▏究")
        let long = field("abcdefghijklmnopqrst").rendered(width: 10)
        #expect(DisplayWidth.of(long) <= 10)
        #expect(long.hasSuffix("t▏"))
        #expect(field("x").rendered(width: 0) == "")
    }

    @Test func controlCharactersAreShownEscaped() {
        let view = TextField("a\u{1B}b").visible(width: 20)
        #expect(!view.text.contains("\u{1B}"))
    }
}
