import GraphcIR
import Testing
@testable import GraphcPasses

/// The buffer planner as a pure function of lifetimes and sizes, with exact offsets.
@Suite struct PlannerTests {
    typealias R = BufferPlanner.Request

    // step:      0 1 2 3 4
    // a (128)    ###.......
    // b (64)     ..###.....
    // c (192)    ....###...
    // d (64)     ......###.
    // Live totals: 128, 192, 256, 256, 64 -> lower bound 256 at step 2.
    let chain = [R(bytes: 128, first: 0, last: 1), R(bytes: 64, first: 1, last: 2), R(bytes: 192, first: 2, last: 3), R(bytes: 64, first: 3, last: 4)]

    @Test func lowerBoundIsTheLargestLiveTotal() {
        let bound = BufferPlanner.lowerBound(chain)
        #expect(bound.bytes == 256)
        #expect(bound.step == 2)
    }

    @Test func greedyBySizePlacesLargestFirstAtTheLowestFreeOffset() {
        let (offsets, arena) = BufferPlanner.plan(chain, strategy: .greedyBySize)
        // c (192) at 0; a (128) at 0 (not live with c); b (64) after c; d (64) after c.
        #expect(offsets == [0, 192, 0, 192])
        #expect(arena == 256)
    }

    @Test func bestFitInOrderReusesTheSmallestGap() {
        let (offsets, arena) = BufferPlanner.plan(chain, strategy: .bestFitInOrder)
        // a at 0; b on top at 128; c cannot fit below b (128 < 192), goes on top at 192; d fits a's freed gap.
        #expect(offsets == [0, 128, 192, 0])
        #expect(arena == 384)
        // The planner keeps the smallest arena of its strategies.
        #expect(BufferPlanner.best(chain).arena == 256)
    }

    @Test func sizesAreAlignedTo64Bytes() {
        let (offsets, arena) = BufferPlanner.plan([R(bytes: 4, first: 0, last: 1), R(bytes: 100, first: 1, last: 2)], strategy: .greedyBySize)
        #expect(offsets == [128, 0])
        #expect(arena == 192)
        #expect(offsets.allSatisfy { $0 % BufferPlanner.alignment == 0 })
    }

    @Test func noReuseGivesEveryBufferItsOwnPlace() {
        let (offsets, arena) = BufferPlanner.plan(chain, strategy: .noReuse)
        #expect(offsets == [0, 128, 192, 384])
        #expect(arena == 448)
    }

    @Test func placedBuffersNeverOverlapWhileLive() {
        // Seeded random lifetimes and sizes: every strategy's plan is valid and never below the bound.
        var state: UInt64 = 42
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        for _ in 0..<20 {
            let requests = (0..<30).map { _ -> R in
                let first = next(40)
                return R(bytes: 64 * (1 + next(20)), first: first, last: first + next(8))
            }
            let bound = BufferPlanner.lowerBound(requests).bytes
            for strategy in BufferPlanner.Strategy.allCases {
                let (offsets, arena) = BufferPlanner.plan(requests, strategy: strategy)
                #expect(arena >= bound)
                for i in requests.indices { for j in requests.indices where i < j && requests[i].first <= requests[j].last && requests[j].first <= requests[i].last {
                    let overlap = offsets[i] < offsets[j] + requests[j].bytes && offsets[j] < offsets[i] + requests[i].bytes
                    #expect(!overlap, "\(strategy): \(i) and \(j) overlap")
                } }
            }
        }
    }
}

/// Liveness: who shares a buffer, and for how long.
@Suite struct LivenessTests {
    func graph(_ build: (GraphBuilder) throws -> Void) throws -> (Graph, [[Int]], (String) -> NodeID) {
        let p = try program(build)
        let shapes = p.graph.nodes.map { $0.shape.dims.map { $0 ?? 1 } }
        let g = p.graph
        return (g, shapes, { name in g.nodes.first { $0.name == name }!.id })
    }

    @Test func elementwiseOpsRunInPlaceOnTheirLastRead() throws {
        let (g, shapes, id) = try graph { b in
            let x = try b.placeholder(shape: TensorShape([1, 4, 4, 8]))
            let r = try b.relu(try b.conv(x, 8, 3, biases: false, scope: "a"))
            b.markOutput(try b.add(.add, [r, x], name: "add"))
        }
        let l = Liveness(graph: g, shapes: shapes)
        // relu overwrites the conv output; the add is the last reader of both its inputs and
        // overwrites its second (x).
        #expect(l.bufferOf[id("Relu")] == l.bufferOf[id("a/Conv2D")])
        #expect(l.bufferOf[id("add")] == l.bufferOf[id("Placeholder")])
        #expect(l.bufferOf[id("Placeholder")] != l.bufferOf[id("a/Conv2D")])
    }

    @Test func aValueStillReadLaterIsNotOverwritten() throws {
        let (g, shapes, id) = try graph { b in
            let x = try b.placeholder(shape: TensorShape([1, 4, 4, 8]))
            let r = try b.relu(x)
            b.markOutput(try b.add(.add, [try b.conv(r, 8, 1, scope: "c"), x], name: "add"))
        }
        let l = Liveness(graph: g, shapes: shapes)
        #expect(l.bufferOf[id("Relu")] != l.bufferOf[id("Placeholder")])
        // x lives until the add at the last step.
        #expect(l.buffers[l.bufferOf[id("Placeholder")]!].last == l.stepCount - 1)
    }

    @Test func viewsShareTheirInputsBuffer() throws {
        let (g, shapes, id) = try graph { b in
            let x = try b.placeholder(shape: TensorShape([2, 1, 1, 10]))
            let s = try b.add(.squeeze(axes: [1, 2]), [try b.relu(x)], name: "Squeeze")
            b.markOutput(try b.add(.softmax, [s], name: "Softmax"))
        }
        let l = Liveness(graph: g, shapes: shapes)
        #expect(l.bufferOf[id("Squeeze")] == l.bufferOf[id("Relu")])
    }
}
