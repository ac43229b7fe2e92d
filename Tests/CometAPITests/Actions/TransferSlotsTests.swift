@testable import CometAPI
import Foundation
import Testing

/// The download's shared request slots (``TransferSlots``): never more holders than the capacity,
/// waiters served in order, a cancelled waiter takes no slot.
@Suite struct TransferSlotsTests {
    /// Holders seen at once, from many tasks.
    final class Meter: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0
        private(set) var peak = 0
        private(set) var order: [Int] = []
        func enter(_ id: Int) { lock.withLock { now += 1; peak = max(peak, now); order.append(id) } }
        func leave() { lock.withLock { now -= 1 } }
    }

    @Test func neverMoreHoldersThanTheCapacity() async throws {
        let slots = TransferSlots(capacity: 3)
        let meter = Meter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<40 {
                group.addTask {
                    try await slots.withSlot {
                        meter.enter(id)
                        try await Task.sleep(for: .milliseconds(2))
                        meter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(meter.peak == 3)
        #expect(meter.order.count == 40)
        #expect(slots.available == 3)
    }

    @Test func waitersAreServedInTheOrderTheyCame() async throws {
        let slots = TransferSlots(capacity: 1)
        try await slots.acquire()
        let meter = Meter()
        var tasks: [Task<Void, any Error>] = []
        for id in 0..<5 {
            tasks.append(Task {
                try await slots.acquire()
                meter.enter(id)
                meter.leave()
                slots.release()
            })
            // The next waiter comes only once this one waits.
            while slots.waiting < id + 1 { try await Task.sleep(for: .milliseconds(1)) }
        }
        slots.release()
        for t in tasks { try await t.value }
        #expect(meter.order == [0, 1, 2, 3, 4])
        #expect(slots.available == 1)
    }

    @Test func aCancelledWaiterThrowsAndTakesNoSlot() async throws {
        let slots = TransferSlots(capacity: 1)
        try await slots.acquire()
        let waiter = Task { try await slots.acquire() }
        while slots.waiting < 1 { try await Task.sleep(for: .milliseconds(1)) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(slots.waiting == 0)
        slots.release()
        #expect(slots.available == 1)
    }

    @Test func theDownloadsSlotsCoverTheCapAndItsLookahead() {
        #expect(ArtifactDownloader.slotCount(DownloadOptions()) == 36)
        #expect(ArtifactDownloader.slotCount(DownloadOptions(parallelTransfers: 2)) == 32)
        #expect(ArtifactDownloader.slotCount(DownloadOptions(parallelTransfers: 64)) == 64)
    }
}
