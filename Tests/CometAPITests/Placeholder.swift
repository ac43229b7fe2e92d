import Testing

@Test func placeholderCometAPITests() { #expect(1 + 1 == 2) }
