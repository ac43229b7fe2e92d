import Testing

@Test func placeholderArtyUITests() { #expect(1 + 1 == 2) }
