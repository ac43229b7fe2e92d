// swift-tools-version:6.0
// arty: a terminal browser for Comet ML Artifacts.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "arty",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arty", targets: ["arty"]),
        .library(name: "CometAPI", targets: ["CometAPI"]),
        .library(name: "ArtifactRegistry", targets: ["ArtifactRegistry"]),
        .library(name: "ArtyUI", targets: ["ArtyUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Already in the graph through Hummingbird; named because the registry uses them directly
        // (the TLS context check, the service group that bounds a graceful shutdown).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C shims: libcurl's variadic setopt/getinfo and ncurses' macros cannot be called from Swift.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CNCursesW", linkerSettings: [.linkedLibrary("ncursesw")]),
        // zlib's inflate for the asset preview's `.gz` files (a cut stream keeps what it gave).
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),

        // The shared Comet REST v2 client: models, configuration, semantic versions, libcurl transport.
        .target(
            name: "CometAPI",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The local Comet-compatible artifact registry (Hummingbird + GRDB + content-addressed blobs).
        .target(
            name: "ArtifactRegistry",
            dependencies: [
                "CometAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                // HTTP/2 over TLS (ALPN, with HTTP/1.1 for clients that do not offer h2); brings
                // https://github.com/apple/swift-nio-http2 1.46.0, already in the graph through Hummingbird.
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The terminal UI: pure state/reduce/render, plus the one ncurses-facing Terminal.
        .target(
            name: "ArtyUI",
            dependencies: ["CometAPI", "CNCursesW", "CZlib", .product(name: "Logging", package: "swift-log"),
                           .product(name: "Yams", package: "Yams"),
                           .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "arty",
            dependencies: [
                "CometAPI", "ArtifactRegistry", "ArtyUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Issue-6 benchmarks: pure UI figures and registry seeding (driven by Benchmarks/run.sh).
        .executableTarget(
            name: "arty-bench",
            dependencies: ["ArtyUI", "CometAPI", "ArtifactRegistry"],
            path: "Benchmarks/ArtyBench",
            swiftSettings: strict
        ),

        .testTarget(
            name: "CometAPITests",
            dependencies: ["CometAPI", "ArtifactRegistry", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .testTarget(
            name: "ArtifactRegistryTests",
            dependencies: ["ArtifactRegistry", "CometAPI", .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "ArtyUITests", dependencies: ["ArtyUI", "CometAPI", .product(name: "Yams", package: "Yams")], exclude: ["__Snapshots__"]),
        .testTarget(name: "EndToEndTests", dependencies: ["CometAPI", "ArtifactRegistry"]),
    ]
)
