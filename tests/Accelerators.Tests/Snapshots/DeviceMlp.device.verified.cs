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
                    : base(device, optimizer, graph, "Kiln.Accelerators.Tests.Models.DeviceMlp.Loss", 1, new global::Kiln.Tensor?[] { graph.model.fc1.Weight, graph.model.fc1.Bias!, graph.model.fc2.Weight, graph.model.fc2.Bias! }, new bool[] { true, true, true, true }, 2, new LossDeviceProgram(), null, graph.model)
                    => this.graph = graph;

                /// <summary>One training step: zero the gradients, forward and backward, one optimizer step. Returns the loss.</summary>
                public float Step(global::Kiln.Tensor x, global::Kiln.IntTensor y) => this.StepCore(x, y);

                private float StepCore(global::Kiln.Tensor argument0, global::Kiln.IntTensor argument1)
                {
                    if (this.OnHost) return this.HostStep(() => this.graph.ForwardBackward(argument0, argument1));
                    global::System.Span<int> symbols = stackalloc int[1];
                    global::Kiln.Compiled.CompiledGraph.BeginBinding(symbols);
                    this.graph.BindInput(0, argument0, symbols);
                    this.graph.BindInput(1, argument1, symbols);
                    this.graph.BindCapture(0, this.graph.model.fc1.Weight, symbols);
                    this.graph.BindCapture(1, this.graph.model.fc1.Bias!, symbols);
                    this.graph.BindCapture(2, this.graph.model.fc2.Weight, symbols);
                    this.graph.BindCapture(3, this.graph.model.fc2.Bias!, symbols);
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
                    // Kernel 0/7: GEMM + epilogue (add, relu) -> %8 [N,32]
                    step.Library.Gemm(step.Graph, step.Input(0), step.Capture(0), step.Arena(0), step.Symbol(0), 32, 64, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel0, (step.Symbol(0)) * (32), new LossDeviceKernels.Kernel0Args { capture1 = step.Capture(1), buffer0 = step.Arena(0) });

                    // Kernel 1/7: GEMM + epilogue (add) -> %10 [N,10]
                    step.Library.Gemm(step.Graph, step.Arena(0), step.Capture(2), step.Arena(1), step.Symbol(0), 10, 32, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel1, (step.Symbol(0)) * (10), new LossDeviceKernels.Kernel1Args { capture3 = step.Capture(3), buffer1 = step.Arena(1) });

                    // Kernel 2/7: cross_entropy + cross_entropy_backward (one pass) -> %11 [], %13 [N,10]
                    step.Library.CrossEntropy(step.Graph, step.Arena(1), step.IntInput(1), step.Symbol(0), 10, loss: step.Result, upstream: step.One, upstreamScale: 1f, gradient: step.Arena(2));

                    // Kernel 3/7: sum over [N,10] -> %14 [10]
                    step.Launch(LossDeviceKernels.Kernel3, (10), new LossDeviceKernels.Kernel3Args { buffer2 = step.Arena(2), grad3 = step.Gradient(3), dim_N = step.Symbol(0) });

                    // Kernel 4/7: GEMM Aᵀ -> %16 [10,32]
                    step.Library.Gemm(step.Graph, step.Arena(2), step.Arena(0), step.Gradient(2), 10, 32, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 5/7: GEMM + epilogue (relu_backward, sum) -> %17 [N,32], %18 [32]
                    step.Library.Gemm(step.Graph, step.Arena(2), step.Capture(2), step.Arena(3), step.Symbol(0), 32, 10, transposeA: false, transposeB: false, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel5, (32), new LossDeviceKernels.Kernel5Args { buffer0 = step.Arena(0), buffer3 = step.Arena(3), grad1 = step.Gradient(1), dim_N = step.Symbol(0) });

                    // Kernel 6/7: GEMM Aᵀ -> %20 [32,64]
                    step.Library.Gemm(step.Graph, step.Arena(3), step.Input(0), step.Gradient(0), 32, 64, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                }
            }

            /// <summary>The fused loops of <c>Loss</c>'s forward+backward program as ILGPU kernels: one thread per output element of each loop's kept axes (one group for a loop reduced to scalars).</summary>
            internal static class LossDeviceKernels
            {
                /// <summary>The storage and sizes kernel 0 reads and writes.</summary>
                internal struct Kernel0Args
                {
                    public global::ILGPU.ArrayView<float> capture1;
                    public global::ILGPU.ArrayView<float> buffer0;
                }

                // Kernel 0/7: GEMM + epilogue (add, relu) -> %8 [N,32]
                // %6 = matmul{transpose_b=true}(%0, %2) : [N,32]
                // %7 = add(%6, %3) : [N,32]
                // %8 = relu(%7) : [N,32]
                internal static void Kernel0(global::ILGPU.Index1D index, Kernel0Args a)
                {
                    int extent1 = 32;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s3 = a.capture1[i1];
                    float s6 = a.buffer0[i0 * 32 + i1];
                    float s7 = s6 + s3;
                    float s8 = global::ILGPU.Algorithms.XMath.Max(s7, 0f);
                    a.buffer0[i0 * extent1 + i1] = s8;
                }

                /// <summary>The storage and sizes kernel 1 reads and writes.</summary>
                internal struct Kernel1Args
                {
                    public global::ILGPU.ArrayView<float> capture3;
                    public global::ILGPU.ArrayView<float> buffer1;
                }

                // Kernel 1/7: GEMM + epilogue (add) -> %10 [N,10]
                // %9 = matmul{transpose_b=true}(%8, %4) : [N,10]
                // %10 = add(%9, %5) : [N,10]
                internal static void Kernel1(global::ILGPU.Index1D index, Kernel1Args a)
                {
                    int extent1 = 10;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s5 = a.capture3[i1];
                    float s9 = a.buffer1[i0 * 10 + i1];
                    float s10 = s9 + s5;
                    a.buffer1[i0 * extent1 + i1] = s10;
                }

                /// <summary>The storage and sizes kernel 3 reads and writes.</summary>
                internal struct Kernel3Args
                {
                    public global::ILGPU.ArrayView<float> buffer2;
                    public global::ILGPU.ArrayView<float> grad3;
                    public int dim_N;
                }

                // Kernel 3/7: sum over [N,10] -> %14 [10]
                // %14 = sum{dims=0;keep_dim=false}(%13) : [10]
                internal static void Kernel3(global::ILGPU.Index1D index, Kernel3Args a)
                {
                    int extent0 = a.dim_N;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator14 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s13 = a.buffer2[i0 * 10 + i1];
                        accumulator14 += s13;
                    }
                    a.grad3[i1] += accumulator14;
                }

                /// <summary>The storage and sizes kernel 5 reads and writes.</summary>
                internal struct Kernel5Args
                {
                    public global::ILGPU.ArrayView<float> buffer0;
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> grad1;
                    public int dim_N;
                }

                // Kernel 5/7: GEMM + epilogue (relu_backward, sum) -> %17 [N,32], %18 [32]
                // %15 = matmul(%13, %4) : [N,32]
                // %17 = relu_backward(%15, %8) : [N,32]
                // %18 = sum{dims=0;keep_dim=false}(%17) : [32]
                internal static void Kernel5(global::ILGPU.Index1D index, Kernel5Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 32;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator18 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s8 = a.buffer0[i0 * 32 + i1];
                        float s15 = a.buffer3[i0 * 32 + i1];
                        float s17 = s8 <= 0f ? 0f : s15;
                        a.buffer3[i0 * extent1 + i1] = s17;
                        accumulator18 += s17;
                    }
                    a.grad1[i1] += accumulator18;
                }
            }

