import GraphcIR

/// The one place an op finds its kernels: each op kind has one fast entry and one reference
/// entry (TFLite's op resolver). An entry prepares a node's step once; the step runs each time.
enum KernelTable {
    static func fast(_ op: Op) -> KernelEntry {
        switch op {
        case .placeholder, .variable, .constant, .reshape, .squeeze: return { _ in nil }
        case .conv2d: return ConvolutionKernel.prepare
        case .conv2dTranspose: return TransposedConvolutionKernel.prepare
        case .matMul: return MatMulKernel.prepare
        case .biasAdd, .scaleShift: return ElementwiseKernel.prepareChannelAffine
        case .activation: return ElementwiseKernel.prepareActivation
        case .binary: return ElementwiseKernel.prepareBinary
        case .softmax: return ReductionKernel.prepareSoftmax
        case .mean: return ReductionKernel.prepareMean
        case .maxPool, .avgPool: return PoolingKernel.prepare
        case .concat: return DataMovementKernel.prepareConcat
        case .pad: return DataMovementKernel.preparePad
        case .resize: return DataMovementKernel.prepareResize
        case .transpose: return DataMovementKernel.prepareTranspose
        case .slice: return SelectionKernel.prepareSlice
        case .reduce: return SelectionKernel.prepareReduce
        case .normalization: return SelectionKernel.prepareNormalization
        case .mirrorPad: return SelectionKernel.prepareMirrorPad
        case .batchNorm: return unlowered
        }
    }

    static func reference(_ op: Op) -> KernelEntry {
        switch op {
        case .placeholder, .variable, .constant, .reshape, .squeeze: return { _ in nil }
        case .conv2d: return ReferenceKernels.prepareConv2D
        case .conv2dTranspose: return ReferenceKernels.prepareConv2DTranspose
        case .matMul: return ReferenceKernels.prepareMatMul
        case .biasAdd: return ReferenceKernels.prepareBiasAdd
        case .scaleShift: return ReferenceKernels.prepareScaleShift
        case .activation: return ReferenceKernels.prepareActivation
        case .binary: return ReferenceKernels.prepareBinary
        case .softmax: return ReferenceKernels.prepareSoftmax
        case .mean: return ReferenceKernels.prepareMean
        case .maxPool, .avgPool: return ReferenceKernels.preparePool
        case .concat: return ReferenceKernels.prepareConcat
        case .pad: return ReferenceKernels.preparePad
        case .resize: return ReferenceKernels.prepareResize
        case .transpose: return ReferenceKernels.prepareTranspose
        case .slice, .reduce, .normalization, .mirrorPad: return ReferenceKernels.prepareSelection
        case .batchNorm: return unlowered
        }
    }

    /// Batch norms are lowered to ScaleShift by the compiler; one here means the model was not compiled.
    private static func unlowered(_ c: StepContext) throws(RuntimeError) -> Step? {
        throw RuntimeError("'\(c.node.name)' is a batch norm the compiler did not lower; compile the graph before running it")
    }
}
