import Testing

@Test func placeholderArtifactRegistryTests() { #expect(1 + 1 == 2) }
