            /// <summary>
            /// Binds the forward+backward program to <paramref name="device"/> for training with <paramref name="optimizer"/>: on an
            /// ILGPU device parameters, gradients, optimizer state and the arena stay resident there (a step copies the inputs in
            /// and the loss out; SyncToHost writes the parameters back); on KilnDevice.Cpu a step runs ForwardBackward and Kiln.Optim.
            /// </summary>
            public LossDeviceGraph To(global::Kiln.Accelerators.KilnDevice device, global::Kiln.Accelerators.DeviceOptimizer optimizer) => new LossDeviceGraph(this, device, optimizer);

            /// <summary><c>Loss</c>'s forward+backward program bound to a device for training (see <see cref="To"/>).</summary>
            [global::System.CodeDom.Compiler.GeneratedCode("Kiln.Generator", "0.1.0")]
            public sealed class LossDeviceGraph : global::Kiln.Accelerators.DeviceGraph
            {
                private readonly LossGraphImpl graph;

                internal LossDeviceGraph(LossGraphImpl graph, global::Kiln.Accelerators.KilnDevice device, global::Kiln.Accelerators.DeviceOptimizer optimizer)
                    : base(device, optimizer, graph, "Kiln.Integration.Tests.Models.OpsZoo.Loss", 1, new global::Kiln.Tensor?[] { graph.model.w, graph.model.v }, new bool[] { true, true }, 2, new LossDeviceProgram(), null, graph.model)
                    => this.graph = graph;

                /// <summary>One training step: zero the gradients, forward and backward, one optimizer step. Returns the loss.</summary>
                public float Step(global::Kiln.Tensor x, global::Kiln.Tensor t) => this.StepCore(x, t);

                private float StepCore(global::Kiln.Tensor argument0, global::Kiln.Tensor argument1)
                {
                    if (this.OnHost) return this.HostStep(() => this.graph.ForwardBackward(argument0, argument1));
                    global::System.Span<int> symbols = stackalloc int[1];
                    global::Kiln.Compiled.CompiledGraph.BeginBinding(symbols);
                    this.graph.BindInput(0, argument0, symbols);
                    this.graph.BindInput(1, argument1, symbols);
                    this.graph.BindCapture(0, this.graph.model.w, symbols);
                    this.graph.BindCapture(1, this.graph.model.v, symbols);
                    var state = this.graph.Prepare(1, symbols);
                    this.BeginDeviceStep();
                    this.CopyIn(0, argument0);
                    this.CopyIn(1, argument1);
                    return this.RunDeviceStep(state.Offsets, state.Sizes, symbols);
                }
            }

            /// <summary>The forward+backward program of <c>Loss</c> for ILGPU: the C# backend's kernel schedule, launched in order.</summary>
            private sealed class LossDeviceProgram : global::Kiln.Accelerators.DeviceProgram
            {
                public override int ProgramIndex => 1;

                public override global::System.Type KernelType => typeof(LossDeviceKernels);

                public override void Run(global::Kiln.Accelerators.DeviceStep step)
                {
                    // Kernel 0/44: GEMM -> %4 [N,4]
                    step.Library.Gemm(step.Graph, step.Input(0), step.Capture(0), step.Arena(0), step.Symbol(0), 4, 6, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 1/44: fused loop with 6 outputs (sigmoid, tanh, mul, abs, neg, exp, add, square, add, sqrt, log, mul, sub, add) -> %5 [N,4], %6 [N,4], %10 [N,4], %14 [N,4], %15 [N,4], %60 [N,4]
                    step.Launch(LossDeviceKernels.Kernel1, ((step.Symbol(0) * 4)), new LossDeviceKernels.Kernel1Args { buffer0 = step.Arena(0), buffer1 = step.Arena(1), buffer2 = step.Arena(2), buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer5 = step.Arena(5), buffer6 = step.Arena(6) });

                    // Kernel 2/44: fused loop with 3 outputs (clamp, pow, relu, add) -> %21 [N,4], %23 [N,4], %24 [N,4]
                    step.Launch(LossDeviceKernels.Kernel2, ((step.Symbol(0) * 4)), new LossDeviceKernels.Kernel2Args { buffer0 = step.Arena(0), buffer7 = step.Arena(7), buffer8 = step.Arena(8), buffer9 = step.Arena(9) });

                    // Kernel 3/44: concat -> %62 [N,2,4]
                    step.Library.CopyBlocks(step.Graph, step.Arena(6), 4, 0, step.Arena(10), 8, 0, step.Symbol(0), 4);
                    step.Library.CopyBlocks(step.Graph, step.Arena(9), 4, 0, step.Arena(10), 8, 4, step.Symbol(0), 4);

                    // Kernel 4/44: transpose -> %63 [4,2,N]
                    step.Library.SwapAxes(step.Graph, step.Arena(10), step.Arena(11), 1, step.Symbol(0), 2, 4, 1);

                    // Kernel 5/44: transpose -> %64 [4,N,2]
                    step.Library.SwapAxes(step.Graph, step.Arena(11), step.Arena(12), 4, 2, 1, step.Symbol(0), 1);

                    // Kernel 6/44: transpose -> %65 [N,4,2]
                    step.Library.SwapAxes(step.Graph, step.Arena(12), step.Arena(13), 1, 4, 1, step.Symbol(0), 2);

                    // Kernel 7/44: max -> %67 [N,1]
                    step.Library.MaxAlong(step.Graph, step.Arena(13), step.Arena(14), step.Symbol(0), 8, 1);

                    // Kernel 8/44: narrow -> %68 [N,1,4]
                    step.Library.CopyBlocks(step.Graph, step.Arena(10), 8, 0, step.Arena(15), 4, 0, step.Symbol(0), 4);

                    // Kernel 9/44: concat -> %71 [N,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(15), 4, 0, step.Arena(16), 5, 0, step.Symbol(0), 4);
                    step.Library.CopyBlocks(step.Graph, step.Arena(14), 1, 0, step.Arena(16), 5, 4, step.Symbol(0), 1);

                    // Kernel 10/44: narrow -> %72 [N,4]
                    step.Library.CopyBlocks(step.Graph, step.Arena(16), 5, 0, step.Arena(17), 4, 0, step.Symbol(0), 4);

                    // Kernel 11/44: GEMM -> %73 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(17), step.Capture(1), step.Arena(18), step.Symbol(0), 6, 4, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 12/44: transpose -> %74 [6,N]
                    step.Library.SwapAxes(step.Graph, step.Arena(18), step.Arena(19), 1, step.Symbol(0), 1, 6, 1);

                    // Kernel 13/44: mean over [N,5] -> %76 [N,1]
                    step.Launch(LossDeviceKernels.Kernel13, (step.Symbol(0)), new LossDeviceKernels.Kernel13Args { buffer16 = step.Arena(16), buffer20 = step.Arena(20) });

                    // Kernel 14/44: transpose + epilogue (add) -> %77 [N,6]
                    step.Library.SwapAxes(step.Graph, step.Arena(19), step.Arena(21), 1, 6, 1, step.Symbol(0), 1);
                    step.Launch(LossDeviceKernels.Kernel14, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel14Args { buffer21 = step.Arena(21), buffer20 = step.Arena(20) });

                    // Kernel 15/44: softmax -> %78 [N,6]
                    step.Library.Softmax(step.Graph, step.Arena(21), step.Arena(22), step.Symbol(0), 6, 1, log: false);

                    // Kernel 16/44: GEMM + epilogue (sub, square, mean, broadcast_to, mul, mul, mul) -> %80 [N,4], %82 [], %227 [N,4]
                    step.Library.Gemm(step.Graph, step.Arena(22), step.Capture(0), step.Arena(23), step.Symbol(0), 4, 6, transposeA: false, transposeB: false, accumulate: false);
                    step.LaunchGroup(LossDeviceKernels.Kernel16, new LossDeviceKernels.Kernel16Args { dim_N = step.Symbol(0), input1 = step.Input(1), buffer23 = step.Arena(23), buffer25 = step.Arena(25), buffer24 = step.Arena(24) });

                    // Kernel 17/44: log_softmax -> %83 [N,6]
                    step.Library.Softmax(step.Graph, step.Arena(21), step.Arena(26), step.Symbol(0), 6, 1, log: true);

                    // Kernel 18/44: mean over [N,6] -> %84 []
                    step.LaunchGroup(LossDeviceKernels.Kernel18, new LossDeviceKernels.Kernel18Args { buffer26 = step.Arena(26), dim_N = step.Symbol(0), buffer27 = step.Arena(27) });

                    // Kernel 19/44: sum over [N,8] -> %87 [N]
                    step.Launch(LossDeviceKernels.Kernel19, (step.Symbol(0)), new LossDeviceKernels.Kernel19Args { buffer13 = step.Arena(13), buffer28 = step.Arena(28) });

                    // Kernel 20/44: mean over [N] -> %88 []
                    step.LaunchGroup(LossDeviceKernels.Kernel20, new LossDeviceKernels.Kernel20Args { buffer28 = step.Arena(28), dim_N = step.Symbol(0), buffer29 = step.Arena(29) });

                    // Kernel 21/44: fused elementwise (mul, add, add) -> %89 []
                    step.Launch(LossDeviceKernels.Kernel21, (1), new LossDeviceKernels.Kernel21Args { buffer24 = step.Arena(24), buffer27 = step.Arena(27), buffer29 = step.Arena(29), result = step.Result });

                    // Kernel 22/44: fused elementwise (broadcast_to, mul) -> %92 [N]
                    step.Launch(LossDeviceKernels.Kernel22, (step.Symbol(0)), new LossDeviceKernels.Kernel22Args { dim_N = step.Symbol(0), buffer30 = step.Arena(30) });

                    // Kernel 23/44: fused elementwise (broadcast_to, mul) -> %176 [N,6]
                    step.Launch(LossDeviceKernels.Kernel23, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel23Args { dim_N = step.Symbol(0), buffer31 = step.Arena(31) });

                    // Kernel 24/44: GEMM Bᵀ -> %228 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(25), step.Capture(0), step.Arena(32), step.Symbol(0), 6, 4, transposeA: false, transposeB: true, accumulate: false);

                    // Kernel 25/44: softmax_backward -> %230 [N,6]
                    step.Library.SoftmaxBackward(step.Graph, step.Arena(22), step.Arena(32), step.Arena(33), step.Symbol(0), 6, 1, log: false);

                    // Kernel 26/44: softmax_backward + epilogue (add, sum) -> %233 [N,6], %234 [N,1]
                    step.Library.SoftmaxBackward(step.Graph, step.Arena(26), step.Arena(31), step.Arena(34), step.Symbol(0), 6, 1, log: true);
                    step.Launch(LossDeviceKernels.Kernel26, (step.Symbol(0)), new LossDeviceKernels.Kernel26Args { buffer34 = step.Arena(34), buffer33 = step.Arena(33), buffer35 = step.Arena(35) });

                    // Kernel 27/44: transpose -> %237 [6,N]
                    step.Library.SwapAxes(step.Graph, step.Arena(34), step.Arena(36), 1, step.Symbol(0), 1, 6, 1);

                    // Kernel 28/44: transpose -> %238 [N,6]
                    step.Library.SwapAxes(step.Graph, step.Arena(36), step.Arena(37), 1, 6, 1, step.Symbol(0), 1);

                    // Kernel 29/44: GEMM Bᵀ -> %239 [N,4]
                    step.Library.Gemm(step.Graph, step.Arena(37), step.Capture(1), step.Arena(38), step.Symbol(0), 4, 6, transposeA: false, transposeB: true, accumulate: false);

                    // Kernel 30/44: GEMM Aᵀ -> %240 [4,6]
                    step.Library.Gemm(step.Graph, step.Arena(17), step.Arena(37), step.Gradient(1), 4, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 31/44: narrow_backward + epilogue (broadcast_to, mul, add) -> %242 [N,5]
                    step.Library.Clear(step.Arena(39));
                    step.Library.CopyBlocks(step.Graph, step.Arena(38), 4, 0, step.Arena(39), 5, 0, step.Symbol(0), 4);
                    step.Launch(LossDeviceKernels.Kernel31, (step.Symbol(0)) * (5), new LossDeviceKernels.Kernel31Args { buffer35 = step.Arena(35), buffer39 = step.Arena(39) });

                    // Kernel 32/44: narrow -> %243 [N,4]
                    step.Library.CopyBlocks(step.Graph, step.Arena(39), 5, 0, step.Arena(40), 4, 0, step.Symbol(0), 4);

                    // Kernel 33/44: narrow -> %244 [N,1]
                    step.Library.CopyBlocks(step.Graph, step.Arena(39), 5, 4, step.Arena(41), 1, 0, step.Symbol(0), 1);

                    // Kernel 34/44: max_backward -> %247 [N,8]
                    step.Library.MaxAlongBackward(step.Graph, step.Arena(13), step.Arena(41), step.Arena(42), step.Symbol(0), 8, 1);

                    // Kernel 35/44: elementwise (add) -> %249 [N,8]
                    step.Launch(LossDeviceKernels.Kernel35, (step.Symbol(0)) * (8), new LossDeviceKernels.Kernel35Args { buffer30 = step.Arena(30), buffer42 = step.Arena(42), buffer43 = step.Arena(43) });

                    // Kernel 36/44: transpose -> %251 [4,N,2]
                    step.Library.SwapAxes(step.Graph, step.Arena(43), step.Arena(44), 1, step.Symbol(0), 1, 4, 2);

                    // Kernel 37/44: transpose -> %252 [4,2,N]
                    step.Library.SwapAxes(step.Graph, step.Arena(44), step.Arena(45), 4, step.Symbol(0), 1, 2, 1);

                    // Kernel 38/44: transpose -> %253 [N,2,4]
                    step.Library.SwapAxes(step.Graph, step.Arena(45), step.Arena(46), 1, 4, 2, step.Symbol(0), 1);

                    // Kernel 39/44: narrow_backward + epilogue (add) -> %254 [N,2,4]
                    step.Library.Clear(step.Arena(47));
                    step.Library.CopyBlocks(step.Graph, step.Arena(40), 4, 0, step.Arena(47), 8, 0, step.Symbol(0), 4);
                    step.Launch(LossDeviceKernels.Kernel39, ((step.Symbol(0) * 8)), new LossDeviceKernels.Kernel39Args { buffer47 = step.Arena(47), buffer46 = step.Arena(46) });

                    // Kernel 40/44: narrow -> %255 [N,1,4]
                    step.Library.CopyBlocks(step.Graph, step.Arena(47), 8, 0, step.Arena(48), 4, 0, step.Symbol(0), 4);

                    // Kernel 41/44: narrow -> %256 [N,1,4]
                    step.Library.CopyBlocks(step.Graph, step.Arena(47), 8, 4, step.Arena(49), 4, 0, step.Symbol(0), 4);

                    // Kernel 42/44: fused elementwise (mul, sign, square, sub, sub, mul, square, mul, relu_backward, mul, mul, clamp_backward, add, div, div, add, mul, mul, add, mul, neg, mul, add, mul, mul, mul, add, mul, add) -> %285 [N,4]
                    step.Launch(LossDeviceKernels.Kernel42, ((step.Symbol(0) * 4)), new LossDeviceKernels.Kernel42Args { buffer0 = step.Arena(0), buffer1 = step.Arena(1), buffer2 = step.Arena(2), buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer5 = step.Arena(5), buffer7 = step.Arena(7), buffer8 = step.Arena(8), buffer48 = step.Arena(48), buffer49 = step.Arena(49), buffer50 = step.Arena(50) });

                    // Kernel 43/44: 2 accumulating GEMMs -> %287 [6,4]
                    step.Library.Gemm(step.Graph, step.Arena(22), step.Arena(25), step.Gradient(0), 6, 4, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                    step.Library.Gemm(step.Graph, step.Input(0), step.Arena(50), step.Gradient(0), 6, 4, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                }
            }

            /// <summary>The fused loops of <c>Loss</c>'s forward+backward program as ILGPU kernels: one thread per output element of each loop's kept axes (one group for a loop reduced to scalars).</summary>
            internal static class LossDeviceKernels
            {
                /// <summary>The storage and sizes kernel 1 reads and writes.</summary>
                internal struct Kernel1Args
                {
                    public global::ILGPU.ArrayView<float> buffer0;
                    public global::ILGPU.ArrayView<float> buffer1;
                    public global::ILGPU.ArrayView<float> buffer2;
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> buffer4;
                    public global::ILGPU.ArrayView<float> buffer5;
                    public global::ILGPU.ArrayView<float> buffer6;
                }

                // Kernel 1/44: fused loop with 6 outputs (sigmoid, tanh, mul, abs, neg, exp, add, square, add, sqrt, log, mul, sub, add) -> %5 [N,4], %6 [N,4], %10 [N,4], %14 [N,4], %15 [N,4], %60 [N,4]
                // %5 = sigmoid(%4) : [N,4]
                // %6 = tanh(%4) : [N,4]
                // %7 = mul(%5, %6) : [N,4]
                // %8 = abs(%4) : [N,4]
                // %9 = neg(%8) : [N,4]
                // %10 = exp(%9) : [N,4]
                // %11 = add(%7, %10) : [N,4]
                // %12 = square(%4) : [N,4]
                // %14 = add(%12, %13) : [N,4]
                // %15 = sqrt(%14) : [N,4]
                // %19 = log(%14) : [N,4]
                // %58 = mul(%15, %57) : [N,4]
                // %59 = sub(%11, %58) : [N,4]
                // %60 = add(%59, %19) : [N,4]
                internal static void Kernel1(global::ILGPU.Index1D index, Kernel1Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s13 = 1f;
                    float s57 = 0.5f;
                    float s4 = a.buffer0[i0];
                    float s5 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s4));
                    float s6 = global::ILGPU.Algorithms.XMath.Tanh(s4);
                    float s7 = s5 * s6;
                    float s8 = global::ILGPU.Algorithms.XMath.Abs(s4);
                    float s9 = -s8;
                    float s10 = global::ILGPU.Algorithms.XMath.Exp(s9);
                    float s11 = s7 + s10;
                    float s12 = s4 * s4;
                    float s14 = s12 + s13;
                    float s15 = global::ILGPU.Algorithms.XMath.Sqrt(s14);
                    float s19 = global::ILGPU.Algorithms.XMath.Log(s14);
                    float s58 = s15 * s57;
                    float s59 = s11 - s58;
                    float s60 = s59 + s19;
                    a.buffer1[i0] = s5;
                    a.buffer2[i0] = s6;
                    a.buffer3[i0] = s10;
                    a.buffer4[i0] = s14;
                    a.buffer5[i0] = s15;
                    a.buffer6[i0] = s60;
                }

                /// <summary>The storage and sizes kernel 2 reads and writes.</summary>
                internal struct Kernel2Args
                {
                    public global::ILGPU.ArrayView<float> buffer0;
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer8;
                    public global::ILGPU.ArrayView<float> buffer9;
                }

                // Kernel 2/44: fused loop with 3 outputs (clamp, pow, relu, add) -> %21 [N,4], %23 [N,4], %24 [N,4]
                // %21 = clamp{max=1;min=-1}(%4) : [N,4]
                // %22 = pow{exponent=3}(%21) : [N,4]
                // %23 = relu(%4) : [N,4]
                // %24 = add(%22, %23) : [N,4]
                internal static void Kernel2(global::ILGPU.Index1D index, Kernel2Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s4 = a.buffer0[i0];
                    float s21 = global::ILGPU.Algorithms.XMath.Min(global::ILGPU.Algorithms.XMath.Max(s4, -1f), 1f);
                    float s22 = global::ILGPU.Algorithms.XMath.Pow(s21, 3f);
                    float s23 = global::ILGPU.Algorithms.XMath.Max(s4, 0f);
                    float s24 = s22 + s23;
                    a.buffer7[i0] = s21;
                    a.buffer8[i0] = s23;
                    a.buffer9[i0] = s24;
                }

                /// <summary>The storage and sizes kernel 13 reads and writes.</summary>
                internal struct Kernel13Args
                {
                    public global::ILGPU.ArrayView<float> buffer16;
                    public global::ILGPU.ArrayView<float> buffer20;
                }

                // Kernel 13/44: mean over [N,5] -> %76 [N,1]
                // %76 = mean{dims=1;keep_dim=true}(%71) : [N,1]
                internal static void Kernel13(global::ILGPU.Index1D index, Kernel13Args a)
                {
                    int extent1 = 5;
                    int rest = index.X;
                    int i0 = rest;
                    float accumulator76 = 0f;
                    for (int i1 = 0; i1 < extent1; i1++)
                    {
                        float s71 = a.buffer16[i0 * 5 + i1];
                        accumulator76 += s71;
                    }
                    a.buffer20[i0] = accumulator76 * (1f / 5);
                }

                /// <summary>The storage and sizes kernel 14 reads and writes.</summary>
                internal struct Kernel14Args
                {
                    public global::ILGPU.ArrayView<float> buffer21;
                    public global::ILGPU.ArrayView<float> buffer20;
                }

                // Kernel 14/44: transpose + epilogue (add) -> %77 [N,6]
                // %75 = transpose{dim0=0;dim1=1}(%74) : [N,6]
                // %77 = add(%75, %76) : [N,6]
                internal static void Kernel14(global::ILGPU.Index1D index, Kernel14Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s75 = a.buffer21[i0 * 6 + i1];
                    float s76 = a.buffer20[i0];
                    float s77 = s75 + s76;
                    a.buffer21[i0 * extent1 + i1] = s77;
                }

                /// <summary>The storage and sizes kernel 16 reads and writes.</summary>
                internal struct Kernel16Args
                {
                    public int dim_N;
                    public global::ILGPU.ArrayView<float> input1;
                    public global::ILGPU.ArrayView<float> buffer23;
                    public global::ILGPU.ArrayView<float> buffer25;
                    public global::ILGPU.ArrayView<float> buffer24;
                }

                // Kernel 16/44: GEMM + epilogue (sub, square, mean, broadcast_to, mul, mul, mul) -> %80 [N,4], %82 [], %227 [N,4]
                // %79 = matmul(%78, %2) : [N,4]
                // %80 = sub(%79, %1) : [N,4]
                // %81 = square(%80) : [N,4]
                // %82 = mean(%81) : []
                // %102 = broadcast_to{shape=N,4}(%13) : [N,4]
                // %104 = mul(%102, %103) : [N,4]
                // %226 = mul(%104, %80) : [N,4]
                // %227 = mul(%226, %16) : [N,4]
                internal static void Kernel16(Kernel16Args a)
                {
                    int extent0 = (a.dim_N * 4);
                    var partial = global::ILGPU.SharedMemory.Allocate1D<float>(256);
                    int thread = global::ILGPU.Group.IdxX;
                    int threads = global::ILGPU.Group.DimX;
                    float s13 = 1f;
                    float s16 = 2f;
                    float s103 = (1f / (a.dim_N * 4));
                    float accumulator82 = 0f;
                    int total = extent0;
                    for (int flat = thread; flat < total; flat += threads)
                    {
                        int rest = flat;
                        int i0 = rest;
                        float s1 = a.input1[i0];
                        float s79 = a.buffer23[i0];
                        float s80 = s79 - s1;
                        float s81 = s80 * s80;
                        float s102 = s13;
                        float s104 = s102 * s103;
                        float s226 = s104 * s80;
                        float s227 = s226 * s16;
                        a.buffer23[i0] = s80;
                        accumulator82 += s81;
                        a.buffer25[i0] = s227;
                    }
                    partial[thread] = accumulator82;
                    global::ILGPU.Group.Barrier();
                    for (int half = 128; half > 0; half /= 2)
                    {
                        if (thread < half && thread + half < threads) partial[thread] += partial[thread + half];
                        global::ILGPU.Group.Barrier();
                    }
                    if (thread == 0) a.buffer24[0] = partial[0] * (1f / (a.dim_N * 4));
                    global::ILGPU.Group.Barrier();
                }

                /// <summary>The storage and sizes kernel 18 reads and writes.</summary>
                internal struct Kernel18Args
                {
                    public global::ILGPU.ArrayView<float> buffer26;
                    public int dim_N;
                    public global::ILGPU.ArrayView<float> buffer27;
                }

                // Kernel 18/44: mean over [N,6] -> %84 []
                // %84 = mean{dims=0,1;keep_dim=false}(%83) : []
                internal static void Kernel18(Kernel18Args a)
                {
                    int extent0 = (a.dim_N * 6);
                    var partial = global::ILGPU.SharedMemory.Allocate1D<float>(256);
                    int thread = global::ILGPU.Group.IdxX;
                    int threads = global::ILGPU.Group.DimX;
                    float accumulator84 = 0f;
                    int total = extent0;
                    for (int flat = thread; flat < total; flat += threads)
                    {
                        int rest = flat;
                        int i0 = rest;
                        float s83 = a.buffer26[i0];
                        accumulator84 += s83;
                    }
                    partial[thread] = accumulator84;
                    global::ILGPU.Group.Barrier();
                    for (int half = 128; half > 0; half /= 2)
                    {
                        if (thread < half && thread + half < threads) partial[thread] += partial[thread + half];
                        global::ILGPU.Group.Barrier();
                    }
                    if (thread == 0) a.buffer27[0] = partial[0] * (1f / (a.dim_N * 6));
                    global::ILGPU.Group.Barrier();
                }

                /// <summary>The storage and sizes kernel 19 reads and writes.</summary>
                internal struct Kernel19Args
                {
                    public global::ILGPU.ArrayView<float> buffer13;
                    public global::ILGPU.ArrayView<float> buffer28;
                }

                // Kernel 19/44: sum over [N,8] -> %87 [N]
                // %87 = sum{dims=1;keep_dim=false}(%66) : [N]
                internal static void Kernel19(global::ILGPU.Index1D index, Kernel19Args a)
                {
                    int extent1 = 8;
                    int rest = index.X;
                    int i0 = rest;
                    float accumulator87 = 0f;
                    for (int i1 = 0; i1 < extent1; i1++)
                    {
                        float s66 = a.buffer13[i0 * 8 + i1];
                        accumulator87 += s66;
                    }
                    a.buffer28[i0] = accumulator87;
                }

                /// <summary>The storage and sizes kernel 20 reads and writes.</summary>
                internal struct Kernel20Args
                {
                    public global::ILGPU.ArrayView<float> buffer28;
                    public int dim_N;
                    public global::ILGPU.ArrayView<float> buffer29;
                }

                // Kernel 20/44: mean over [N] -> %88 []
                // %88 = mean{dims=0;keep_dim=false}(%87) : []
                internal static void Kernel20(Kernel20Args a)
                {
                    int extent0 = a.dim_N;
                    var partial = global::ILGPU.SharedMemory.Allocate1D<float>(256);
                    int thread = global::ILGPU.Group.IdxX;
                    int threads = global::ILGPU.Group.DimX;
                    float accumulator88 = 0f;
                    int total = extent0;
                    for (int flat = thread; flat < total; flat += threads)
                    {
                        int rest = flat;
                        int i0 = rest;
                        float s87 = a.buffer28[i0];
                        accumulator88 += s87;
                    }
                    partial[thread] = accumulator88;
                    global::ILGPU.Group.Barrier();
                    for (int half = 128; half > 0; half /= 2)
                    {
                        if (thread < half && thread + half < threads) partial[thread] += partial[thread + half];
                        global::ILGPU.Group.Barrier();
                    }
                    if (thread == 0) a.buffer29[0] = partial[0] * (1f / a.dim_N);
                    global::ILGPU.Group.Barrier();
                }

                /// <summary>The storage and sizes kernel 21 reads and writes.</summary>
                internal struct Kernel21Args
                {
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> buffer27;
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> result;
                }

                // Kernel 21/44: fused elementwise (mul, add, add) -> %89 []
                // %85 = mul(%84, %51) : []
                // %86 = add(%82, %85) : []
                // %89 = add(%86, %88) : []
                internal static void Kernel21(global::ILGPU.Index1D index, Kernel21Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s51 = 0.01f;
                    float s82 = a.buffer24[0];
                    float s84 = a.buffer27[0];
                    float s88 = a.buffer29[0];
                    float s85 = s84 * s51;
                    float s86 = s82 + s85;
                    float s89 = s86 + s88;
                    a.result[i0] = s89;
                }

                /// <summary>The storage and sizes kernel 22 reads and writes.</summary>
                internal struct Kernel22Args
                {
                    public int dim_N;
                    public global::ILGPU.ArrayView<float> buffer30;
                }

                // Kernel 22/44: fused elementwise (broadcast_to, mul) -> %92 [N]
                // %90 = broadcast_to{shape=N}(%13) : [N]
                // %92 = mul(%90, %91) : [N]
                internal static void Kernel22(global::ILGPU.Index1D index, Kernel22Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s13 = 1f;
                    float s91 = (1f / a.dim_N);
                    float s90 = s13;
                    float s92 = s90 * s91;
                    a.buffer30[i0] = s92;
                }

                /// <summary>The storage and sizes kernel 23 reads and writes.</summary>
                internal struct Kernel23Args
                {
                    public int dim_N;
                    public global::ILGPU.ArrayView<float> buffer31;
                }

                // Kernel 23/44: fused elementwise (broadcast_to, mul) -> %176 [N,6]
                // %175 = broadcast_to{shape=N,6}(%174) : [N,6]
                // %176 = mul(%175, %99) : [N,6]
                internal static void Kernel23(global::ILGPU.Index1D index, Kernel23Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s99 = (1f / (a.dim_N * 6));
                    float s174 = 0.01f;
                    float s175 = s174;
                    float s176 = s175 * s99;
                    a.buffer31[i0] = s176;
                }

                /// <summary>The storage and sizes kernel 26 reads and writes.</summary>
                internal struct Kernel26Args
                {
                    public global::ILGPU.ArrayView<float> buffer34;
                    public global::ILGPU.ArrayView<float> buffer33;
                    public global::ILGPU.ArrayView<float> buffer35;
                }

                // Kernel 26/44: softmax_backward + epilogue (add, sum) -> %233 [N,6], %234 [N,1]
                // %177 = softmax_backward{dim=-1;log=true}(%83, %176) : [N,6]
                // %233 = add(%177, %230) : [N,6]
                // %234 = sum{dims=1;keep_dim=true}(%233) : [N,1]
                internal static void Kernel26(global::ILGPU.Index1D index, Kernel26Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i0 = rest;
                    float accumulator234 = 0f;
                    for (int i1 = 0; i1 < extent1; i1++)
                    {
                        float s177 = a.buffer34[i0 * 6 + i1];
                        float s230 = a.buffer33[i0 * 6 + i1];
                        float s233 = s177 + s230;
                        a.buffer34[i0 * extent1 + i1] = s233;
                        accumulator234 += s233;
                    }
                    a.buffer35[i0] = accumulator234;
                }

                /// <summary>The storage and sizes kernel 31 reads and writes.</summary>
                internal struct Kernel31Args
                {
                    public global::ILGPU.ArrayView<float> buffer35;
                    public global::ILGPU.ArrayView<float> buffer39;
                }

                // Kernel 31/44: narrow_backward + epilogue (broadcast_to, mul, add) -> %242 [N,5]
                // %235 = broadcast_to{shape=N,5}(%234) : [N,5]
                // %236 = mul(%235, %114) : [N,5]
                // %241 = narrow_backward{dim=1;length=4;size=5;start=0}(%239) : [N,5]
                // %242 = add(%236, %241) : [N,5]
                internal static void Kernel31(global::ILGPU.Index1D index, Kernel31Args a)
                {
                    int extent1 = 5;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s114 = 0.2f;
                    float s234 = a.buffer35[i0];
                    float s241 = a.buffer39[i0 * 5 + i1];
                    float s235 = s234;
                    float s236 = s235 * s114;
                    float s242 = s236 + s241;
                    a.buffer39[i0 * extent1 + i1] = s242;
                }

                /// <summary>The storage and sizes kernel 35 reads and writes.</summary>
                internal struct Kernel35Args
                {
                    public global::ILGPU.ArrayView<float> buffer30;
                    public global::ILGPU.ArrayView<float> buffer42;
                    public global::ILGPU.ArrayView<float> buffer43;
                }

                // Kernel 35/44: elementwise (add) -> %249 [N,8]
                // %249 = add(%93, %247) : [N,8]
                internal static void Kernel35(global::ILGPU.Index1D index, Kernel35Args a)
                {
                    int extent1 = 8;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s93 = a.buffer30[i0];
                    float s247 = a.buffer42[i0 * 8 + i1];
                    float s249 = s93 + s247;
                    a.buffer43[i0 * extent1 + i1] = s249;
                }

                /// <summary>The storage and sizes kernel 39 reads and writes.</summary>
                internal struct Kernel39Args
                {
                    public global::ILGPU.ArrayView<float> buffer47;
                    public global::ILGPU.ArrayView<float> buffer46;
                }

                // Kernel 39/44: narrow_backward + epilogue (add) -> %254 [N,2,4]
                // %246 = narrow_backward{dim=1;length=1;size=2;start=0}(%245) : [N,2,4]
                // %254 = add(%246, %253) : [N,2,4]
                internal static void Kernel39(global::ILGPU.Index1D index, Kernel39Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s246 = a.buffer47[i0];
                    float s253 = a.buffer46[i0];
                    float s254 = s246 + s253;
                    a.buffer47[i0] = s254;
                }

                /// <summary>The storage and sizes kernel 42 reads and writes.</summary>
                internal struct Kernel42Args
                {
                    public global::ILGPU.ArrayView<float> buffer0;
                    public global::ILGPU.ArrayView<float> buffer1;
                    public global::ILGPU.ArrayView<float> buffer2;
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> buffer4;
                    public global::ILGPU.ArrayView<float> buffer5;
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer8;
                    public global::ILGPU.ArrayView<float> buffer48;
                    public global::ILGPU.ArrayView<float> buffer49;
                    public global::ILGPU.ArrayView<float> buffer50;
                }

                // Kernel 42/44: fused elementwise (mul, sign, square, sub, sub, mul, square, mul, relu_backward, mul, mul, clamp_backward, add, div, div, add, mul, mul, add, mul, neg, mul, add, mul, mul, mul, add, mul, add) -> %285 [N,4]
                // %149 = mul(%15, %16) : [N,4]
                // %158 = sign(%4) : [N,4]
                // %163 = square(%6) : [N,4]
                // %164 = sub(%13, %163) : [N,4]
                // %167 = sub(%13, %5) : [N,4]
                // %168 = mul(%5, %167) : [N,4]
                // %231 = square(%21) : [N,4]
                // %261 = mul(%257, %260) : [N,4]
                // %263 = relu_backward(%262, %23) : [N,4]
                // %265 = mul(%262, %231) : [N,4]
                // %266 = mul(%265, %143) : [N,4]
                // %267 = clamp_backward{max=1;min=-1}(%266, %4) : [N,4]
                // %268 = add(%263, %267) : [N,4]
                // %269 = div(%257, %14) : [N,4]
                // %270 = div(%261, %149) : [N,4]
                // %271 = add(%269, %270) : [N,4]
                // %273 = mul(%271, %4) : [N,4]
                // %274 = mul(%273, %16) : [N,4]
                // %275 = add(%268, %274) : [N,4]
                // %276 = mul(%257, %10) : [N,4]
                // %277 = neg(%276) : [N,4]
                // %278 = mul(%277, %158) : [N,4]
                // %279 = add(%275, %278) : [N,4]
                // %280 = mul(%257, %6) : [N,4]
                // %281 = mul(%257, %5) : [N,4]
                // %282 = mul(%281, %164) : [N,4]
                // %283 = add(%279, %282) : [N,4]
                // %284 = mul(%280, %168) : [N,4]
                // %285 = add(%283, %284) : [N,4]
                internal static void Kernel42(global::ILGPU.Index1D index, Kernel42Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s13 = 1f;
                    float s16 = 2f;
                    float s143 = 3f;
                    float s260 = -0.5f;
                    float s4 = a.buffer0[i0];
                    float s5 = a.buffer1[i0];
                    float s6 = a.buffer2[i0];
                    float s10 = a.buffer3[i0];
                    float s14 = a.buffer4[i0];
                    float s15 = a.buffer5[i0];
                    float s21 = a.buffer7[i0];
                    float s23 = a.buffer8[i0];
                    float s257 = a.buffer48[i0];
                    float s262 = a.buffer49[i0];
                    float s149 = s15 * s16;
                    float s158 = (s4 > 0f ? 1f : s4 < 0f ? -1f : 0f);
                    float s163 = s6 * s6;
                    float s164 = s13 - s163;
                    float s167 = s13 - s5;
                    float s168 = s5 * s167;
                    float s231 = s21 * s21;
                    float s261 = s257 * s260;
                    float s263 = s23 <= 0f ? 0f : s262;
                    float s265 = s262 * s231;
                    float s266 = s265 * s143;
                    float s267 = s4 >= -1f && s4 <= 1f ? s266 : 0f;
                    float s268 = s263 + s267;
                    float s269 = s257 / s14;
                    float s270 = s261 / s149;
                    float s271 = s269 + s270;
                    float s273 = s271 * s4;
                    float s274 = s273 * s16;
                    float s275 = s268 + s274;
                    float s276 = s257 * s10;
                    float s277 = -s276;
                    float s278 = s277 * s158;
                    float s279 = s275 + s278;
                    float s280 = s257 * s6;
                    float s281 = s257 * s5;
                    float s282 = s281 * s164;
                    float s283 = s279 + s282;
                    float s284 = s280 * s168;
                    float s285 = s283 + s284;
                    a.buffer50[i0] = s285;
                }
            }

