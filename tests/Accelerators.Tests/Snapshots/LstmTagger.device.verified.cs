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
                    : base(device, optimizer, graph, "Kiln.Integration.Tests.Models.LstmTagger.Loss", 1, new global::Kiln.Tensor?[] { graph.model.embedding.Weight, graph.model.cell.WeightIh, graph.model.cell.BiasIh!, graph.model.cell.BiasHh!, graph.model.cell.WeightHh, graph.model.head.Weight, graph.model.head.Bias! }, new bool[] { true, true, true, true, true, true, true }, 2, new LossDeviceProgram(), null)
                    => this.graph = graph;

                /// <summary>One training step: zero the gradients, forward and backward, one optimizer step. Returns the loss.</summary>
                public float Step(global::Kiln.IntTensor tokens, global::Kiln.IntTensor y) => this.StepCore(tokens, y);

                private float StepCore(global::Kiln.IntTensor argument0, global::Kiln.IntTensor argument1)
                {
                    if (this.OnHost) return this.HostStep(() => this.graph.ForwardBackward(argument0, argument1));
                    global::System.Span<int> symbols = stackalloc int[1];
                    global::Kiln.Compiled.CompiledGraph.BeginBinding(symbols);
                    this.graph.BindInput(0, argument0, symbols);
                    this.graph.BindInput(1, argument1, symbols);
                    this.graph.BindCapture(0, this.graph.model.embedding.Weight, symbols);
                    this.graph.BindCapture(1, this.graph.model.cell.WeightIh, symbols);
                    this.graph.BindCapture(2, this.graph.model.cell.BiasIh!, symbols);
                    this.graph.BindCapture(3, this.graph.model.cell.BiasHh!, symbols);
                    this.graph.BindCapture(4, this.graph.model.cell.WeightHh, symbols);
                    this.graph.BindCapture(5, this.graph.model.head.Weight, symbols);
                    this.graph.BindCapture(6, this.graph.model.head.Bias!, symbols);
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
                    // Kernel 0/57: embedding -> %9 [N,4,5]
                    step.Library.Gather(step.Graph, step.Capture(0), 5, step.IntInput(0), step.Arena(0), (step.Symbol(0) * 4));

                    // Kernel 1/57: narrow -> %10 [N,1,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 0, step.Arena(1), 5, 0, step.Symbol(0), 5);

                    // Kernel 2/57: GEMM + epilogue (add, add) -> %14 [N,24]
                    step.Library.Gemm(step.Graph, step.Arena(1), step.Capture(1), step.Arena(2), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel2, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel2Args { capture2 = step.Capture(2), capture3 = step.Capture(3), buffer2 = step.Arena(2) });

                    // Kernel 3/57: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, tanh, mul) -> %16 [N,6], %18 [N,6], %21 [N,6], %22 [N,6], %20 [N,6], %23 [N,6]
                    step.Launch(LossDeviceKernels.Kernel3, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel3Args { buffer2 = step.Arena(2), buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer5 = step.Arena(5), buffer6 = step.Arena(6), buffer7 = step.Arena(7), buffer8 = step.Arena(8) });

                    // Kernel 4/57: narrow -> %24 [N,1,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 5, step.Arena(9), 5, 0, step.Symbol(0), 5);

                    // Kernel 5/57: narrow -> %44 [N,1,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 10, step.Arena(10), 5, 0, step.Symbol(0), 5);

                    // Kernel 6/57: narrow -> %64 [N,1,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 15, step.Arena(11), 5, 0, step.Symbol(0), 5);

                    // Kernel 7/57: elementwise (add) -> %88 [24]
                    step.Launch(LossDeviceKernels.Kernel7, (24), new LossDeviceKernels.Kernel7Args { capture2 = step.Capture(2), capture3 = step.Capture(3), buffer12 = step.Arena(12) });

                    // Kernel 8/57: 2 accumulating GEMMs + epilogue (add) -> %89 [N,24]
                    step.Library.Gemm(step.Graph, step.Arena(9), step.Capture(1), step.Arena(13), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                    step.Library.Gemm(step.Graph, step.Arena(8), step.Capture(4), step.Arena(13), step.Symbol(0), 24, 6, transposeA: false, transposeB: true, accumulate: true);
                    step.Launch(LossDeviceKernels.Kernel8, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel8Args { buffer13 = step.Arena(13), buffer12 = step.Arena(12) });

                    // Kernel 9/57: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %91 [N,6], %93 [N,6], %98 [N,6], %100 [N,6], %101 [N,6], %95 [N,6], %102 [N,6]
                    step.Launch(LossDeviceKernels.Kernel9, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel9Args { buffer5 = step.Arena(5), buffer13 = step.Arena(13), buffer14 = step.Arena(14), buffer15 = step.Arena(15), buffer16 = step.Arena(16), buffer17 = step.Arena(17), buffer18 = step.Arena(18), buffer19 = step.Arena(19), buffer20 = step.Arena(20) });

                    // Kernel 10/57: 2 accumulating GEMMs + epilogue (add) -> %107 [N,24]
                    step.Library.Gemm(step.Graph, step.Arena(10), step.Capture(1), step.Arena(21), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                    step.Library.Gemm(step.Graph, step.Arena(20), step.Capture(4), step.Arena(21), step.Symbol(0), 24, 6, transposeA: false, transposeB: true, accumulate: true);
                    step.Launch(LossDeviceKernels.Kernel10, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel10Args { buffer12 = step.Arena(12), buffer21 = step.Arena(21) });

                    // Kernel 11/57: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %109 [N,6], %111 [N,6], %116 [N,6], %118 [N,6], %119 [N,6], %113 [N,6], %120 [N,6]
                    step.Launch(LossDeviceKernels.Kernel11, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel11Args { buffer17 = step.Arena(17), buffer21 = step.Arena(21), buffer22 = step.Arena(22), buffer23 = step.Arena(23), buffer24 = step.Arena(24), buffer25 = step.Arena(25), buffer26 = step.Arena(26), buffer27 = step.Arena(27), buffer28 = step.Arena(28) });

                    // Kernel 12/57: 2 accumulating GEMMs + epilogue (add) -> %125 [N,24]
                    step.Library.Gemm(step.Graph, step.Arena(11), step.Capture(1), step.Arena(29), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                    step.Library.Gemm(step.Graph, step.Arena(28), step.Capture(4), step.Arena(29), step.Symbol(0), 24, 6, transposeA: false, transposeB: true, accumulate: true);
                    step.Launch(LossDeviceKernels.Kernel12, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel12Args { buffer12 = step.Arena(12), buffer29 = step.Arena(29) });

                    // Kernel 13/57: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %127 [N,6], %129 [N,6], %134 [N,6], %137 [N,6], %131 [N,6], %138 [N,6]
                    step.Launch(LossDeviceKernels.Kernel13, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel13Args { buffer25 = step.Arena(25), buffer29 = step.Arena(29), buffer30 = step.Arena(30), buffer31 = step.Arena(31), buffer32 = step.Arena(32), buffer33 = step.Arena(33), buffer34 = step.Arena(34), buffer35 = step.Arena(35) });

                    // Kernel 14/57: GEMM + epilogue (add) -> %140 [N,3]
                    step.Library.Gemm(step.Graph, step.Arena(35), step.Capture(5), step.Arena(36), step.Symbol(0), 3, 6, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel14, (step.Symbol(0)) * (3), new LossDeviceKernels.Kernel14Args { capture6 = step.Capture(6), buffer36 = step.Arena(36) });

                    // Kernel 15/57: cross_entropy + cross_entropy_backward (one pass) -> %141 [], %143 [N,3]
                    step.Library.CrossEntropy(step.Graph, step.Arena(36), step.IntInput(1), step.Symbol(0), 3, loss: step.Result, upstream: step.One, upstreamScale: 1f, gradient: step.Arena(37));

                    // Kernel 16/57: sum over [N,3] -> %144 [3]
                    step.Launch(LossDeviceKernels.Kernel16, (3), new LossDeviceKernels.Kernel16Args { buffer37 = step.Arena(37), grad6 = step.Gradient(6), dim_N = step.Symbol(0) });

                    // Kernel 17/57: GEMM -> %145 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(37), step.Capture(5), step.Arena(38), step.Symbol(0), 6, 3, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 18/57: GEMM Aᵀ -> %146 [3,6]
                    step.Library.Gemm(step.Graph, step.Arena(37), step.Arena(35), step.Gradient(5), 3, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 19/57: fused loop with 4 outputs (mul, square, sub, mul, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %151 [N,6], %156 [N,6], %167 [N,6], %172 [N,6]
                    step.Launch(LossDeviceKernels.Kernel19, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel19Args { buffer25 = step.Arena(25), buffer30 = step.Arena(30), buffer31 = step.Arena(31), buffer34 = step.Arena(34), buffer32 = step.Arena(32), buffer33 = step.Arena(33), buffer38 = step.Arena(38), buffer39 = step.Arena(39), buffer40 = step.Arena(40), buffer41 = step.Arena(41), buffer42 = step.Arena(42) });

                    // Kernel 20/57: fused elementwise (mul, sub, mul, mul) -> %162 [N,6]
                    step.Launch(LossDeviceKernels.Kernel20, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel20Args { buffer34 = step.Arena(34), buffer33 = step.Arena(33), buffer38 = step.Arena(38), buffer43 = step.Arena(43) });

                    // Kernel 21/57: narrow_backward -> %163 [N,24]
                    step.Library.Clear(step.Arena(44));
                    step.Library.CopyBlocks(step.Graph, step.Arena(43), 6, 0, step.Arena(44), 24, 18, step.Symbol(0), 6);

                    // Kernel 22/57: narrow_backward -> %168 [N,24]
                    step.Library.Clear(step.Arena(45));
                    step.Library.CopyBlocks(step.Graph, step.Arena(41), 6, 0, step.Arena(45), 24, 12, step.Symbol(0), 6);

                    // Kernel 23/57: narrow_backward -> %173 [N,24]
                    step.Library.Clear(step.Arena(46));
                    step.Library.CopyBlocks(step.Graph, step.Arena(42), 6, 0, step.Arena(46), 24, 0, step.Symbol(0), 6);

                    // Kernel 24/57: narrow_backward + epilogue (add, add, add, sum) -> %174 [N,24], %175 [24]
                    step.Library.Clear(step.Arena(47));
                    step.Library.CopyBlocks(step.Graph, step.Arena(40), 6, 0, step.Arena(47), 24, 6, step.Symbol(0), 6);
                    step.Launch(LossDeviceKernels.Kernel24, (24), new LossDeviceKernels.Kernel24Args { buffer47 = step.Arena(47), buffer44 = step.Arena(44), buffer45 = step.Arena(45), buffer46 = step.Arena(46), buffer48 = step.Arena(48), dim_N = step.Symbol(0) });

                    // Kernel 25/57: GEMM -> %176 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(47), step.Capture(4), step.Arena(49), step.Symbol(0), 6, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 26/57: fused loop with 4 outputs (mul, mul, square, sub, mul, add, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %183 [N,6], %188 [N,6], %199 [N,6], %204 [N,6]
                    step.Launch(LossDeviceKernels.Kernel26, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel26Args { buffer17 = step.Arena(17), buffer22 = step.Arena(22), buffer23 = step.Arena(23), buffer27 = step.Arena(27), buffer24 = step.Arena(24), buffer26 = step.Arena(26), buffer32 = step.Arena(32), buffer39 = step.Arena(39), buffer49 = step.Arena(49), buffer50 = step.Arena(50), buffer51 = step.Arena(51), buffer52 = step.Arena(52), buffer53 = step.Arena(53) });

                    // Kernel 27/57: fused elementwise (mul, sub, mul, mul) -> %194 [N,6]
                    step.Launch(LossDeviceKernels.Kernel27, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel27Args { buffer27 = step.Arena(27), buffer26 = step.Arena(26), buffer49 = step.Arena(49), buffer54 = step.Arena(54) });

                    // Kernel 28/57: narrow_backward -> %195 [N,24]
                    step.Library.Clear(step.Arena(55));
                    step.Library.CopyBlocks(step.Graph, step.Arena(54), 6, 0, step.Arena(55), 24, 18, step.Symbol(0), 6);

                    // Kernel 29/57: narrow_backward -> %200 [N,24]
                    step.Library.Clear(step.Arena(56));
                    step.Library.CopyBlocks(step.Graph, step.Arena(52), 6, 0, step.Arena(56), 24, 12, step.Symbol(0), 6);

                    // Kernel 30/57: narrow_backward -> %205 [N,24]
                    step.Library.Clear(step.Arena(57));
                    step.Library.CopyBlocks(step.Graph, step.Arena(53), 6, 0, step.Arena(57), 24, 0, step.Symbol(0), 6);

                    // Kernel 31/57: narrow_backward + epilogue (add, add, add, sum) -> %206 [N,24], %207 [24]
                    step.Library.Clear(step.Arena(58));
                    step.Library.CopyBlocks(step.Graph, step.Arena(51), 6, 0, step.Arena(58), 24, 6, step.Symbol(0), 6);
                    step.Launch(LossDeviceKernels.Kernel31, (24), new LossDeviceKernels.Kernel31Args { buffer58 = step.Arena(58), buffer55 = step.Arena(55), buffer56 = step.Arena(56), buffer57 = step.Arena(57), buffer59 = step.Arena(59), dim_N = step.Symbol(0) });

                    // Kernel 32/57: GEMM -> %209 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(58), step.Capture(4), step.Arena(60), step.Symbol(0), 6, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 33/57: fused loop with 4 outputs (mul, mul, square, sub, mul, add, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %217 [N,6], %222 [N,6], %233 [N,6], %238 [N,6]
                    step.Launch(LossDeviceKernels.Kernel33, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel33Args { buffer5 = step.Arena(5), buffer14 = step.Arena(14), buffer15 = step.Arena(15), buffer19 = step.Arena(19), buffer16 = step.Arena(16), buffer18 = step.Arena(18), buffer24 = step.Arena(24), buffer50 = step.Arena(50), buffer60 = step.Arena(60), buffer61 = step.Arena(61), buffer62 = step.Arena(62), buffer63 = step.Arena(63), buffer64 = step.Arena(64) });

                    // Kernel 34/57: fused elementwise (mul, sub, mul, mul) -> %228 [N,6]
                    step.Launch(LossDeviceKernels.Kernel34, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel34Args { buffer19 = step.Arena(19), buffer18 = step.Arena(18), buffer60 = step.Arena(60), buffer65 = step.Arena(65) });

                    // Kernel 35/57: narrow_backward -> %229 [N,24]
                    step.Library.Clear(step.Arena(66));
                    step.Library.CopyBlocks(step.Graph, step.Arena(65), 6, 0, step.Arena(66), 24, 18, step.Symbol(0), 6);

                    // Kernel 36/57: narrow_backward -> %234 [N,24]
                    step.Library.Clear(step.Arena(67));
                    step.Library.CopyBlocks(step.Graph, step.Arena(63), 6, 0, step.Arena(67), 24, 12, step.Symbol(0), 6);

                    // Kernel 37/57: narrow_backward -> %239 [N,24]
                    step.Library.Clear(step.Arena(68));
                    step.Library.CopyBlocks(step.Graph, step.Arena(64), 6, 0, step.Arena(68), 24, 0, step.Symbol(0), 6);

                    // Kernel 38/57: narrow_backward + epilogue (add, add, add, sum) -> %240 [N,24], %241 [24]
                    step.Library.Clear(step.Arena(69));
                    step.Library.CopyBlocks(step.Graph, step.Arena(62), 6, 0, step.Arena(69), 24, 6, step.Symbol(0), 6);
                    step.Launch(LossDeviceKernels.Kernel38, (24), new LossDeviceKernels.Kernel38Args { buffer69 = step.Arena(69), buffer66 = step.Arena(66), buffer67 = step.Arena(67), buffer68 = step.Arena(68), buffer70 = step.Arena(70), dim_N = step.Symbol(0) });

                    // Kernel 39/57: GEMM -> %243 [N,5]
                    step.Library.Gemm(step.Graph, step.Arena(47), step.Capture(1), step.Arena(71), step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 40/57: GEMM -> %247 [N,5]
                    step.Library.Gemm(step.Graph, step.Arena(58), step.Capture(1), step.Arena(72), step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 41/57: narrow_backward -> %251 [N,4,5]
                    step.Library.Clear(step.Arena(73));
                    step.Library.CopyBlocks(step.Graph, step.Arena(72), 5, 0, step.Arena(73), 20, 10, step.Symbol(0), 5);

                    // Kernel 42/57: GEMM -> %253 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(69), step.Capture(4), step.Arena(74), step.Symbol(0), 6, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 43/57: 3 accumulating GEMMs -> %255 [24,6]
                    step.Library.Gemm(step.Graph, step.Arena(47), step.Arena(28), step.Gradient(4), 24, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                    step.Library.Gemm(step.Graph, step.Arena(58), step.Arena(20), step.Gradient(4), 24, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                    step.Library.Gemm(step.Graph, step.Arena(69), step.Arena(8), step.Gradient(4), 24, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 44/57: GEMM -> %256 [N,5]
                    step.Library.Gemm(step.Graph, step.Arena(69), step.Capture(1), step.Arena(75), step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 45/57: narrow_backward -> %260 [N,4,5]
                    step.Library.Clear(step.Arena(76));
                    step.Library.CopyBlocks(step.Graph, step.Arena(75), 5, 0, step.Arena(76), 20, 5, step.Symbol(0), 5);

                    // Kernel 46/57: fused loop with 3 outputs (mul, mul, square, sub, mul, add, mul, mul, square, sub, mul, sub, mul, mul) -> %267 [N,6], %276 [N,6], %281 [N,6]
                    step.Launch(LossDeviceKernels.Kernel46, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel46Args { buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer16 = step.Arena(16), buffer61 = step.Arena(61), buffer74 = step.Arena(74), buffer77 = step.Arena(77), buffer78 = step.Arena(78), buffer79 = step.Arena(79) });

                    // Kernel 47/57: fused elementwise (mul, sub, mul, mul) -> %272 [N,6]
                    step.Launch(LossDeviceKernels.Kernel47, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel47Args { buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer74 = step.Arena(74), buffer80 = step.Arena(80) });

                    // Kernel 48/57: narrow_backward -> %277 [N,24]
                    step.Library.Clear(step.Arena(81));
                    step.Library.CopyBlocks(step.Graph, step.Arena(78), 6, 0, step.Arena(81), 24, 12, step.Symbol(0), 6);

                    // Kernel 49/57: narrow_backward -> %282 [N,24]
                    step.Library.Clear(step.Arena(82));
                    step.Library.CopyBlocks(step.Graph, step.Arena(79), 6, 0, step.Arena(82), 24, 0, step.Symbol(0), 6);

                    // Kernel 50/57: narrow_backward + epilogue (add, add, sum) -> %283 [N,24], %284 [24]
                    step.Library.Clear(step.Arena(83));
                    step.Library.CopyBlocks(step.Graph, step.Arena(80), 6, 0, step.Arena(83), 24, 18, step.Symbol(0), 6);
                    step.Launch(LossDeviceKernels.Kernel50, (24), new LossDeviceKernels.Kernel50Args { buffer83 = step.Arena(83), buffer81 = step.Arena(81), buffer82 = step.Arena(82), buffer84 = step.Arena(84), dim_N = step.Symbol(0) });

                    // Kernel 51/57: fused loop with 2 outputs (add, add, add, copy) -> %285 [24], %293 [24]
                    step.Launch(LossDeviceKernels.Kernel51, (24), new LossDeviceKernels.Kernel51Args { buffer48 = step.Arena(48), buffer59 = step.Arena(59), buffer70 = step.Arena(70), buffer84 = step.Arena(84), grad2 = step.Gradient(2), grad3 = step.Gradient(3) });

                    // Kernel 52/57: GEMM -> %286 [N,5]
                    step.Library.Gemm(step.Graph, step.Arena(83), step.Capture(1), step.Arena(85), step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 53/57: 4 accumulating GEMMs -> %288 [24,5]
                    step.Library.Gemm(step.Graph, step.Arena(47), step.Arena(11), step.Gradient(1), 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                    step.Library.Gemm(step.Graph, step.Arena(58), step.Arena(10), step.Gradient(1), 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                    step.Library.Gemm(step.Graph, step.Arena(69), step.Arena(9), step.Gradient(1), 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);
                    step.Library.Gemm(step.Graph, step.Arena(83), step.Arena(1), step.Gradient(1), 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 54/57: narrow_backward -> %290 [N,4,5]
                    step.Library.Clear(step.Arena(86));
                    step.Library.CopyBlocks(step.Graph, step.Arena(85), 5, 0, step.Arena(86), 20, 0, step.Symbol(0), 5);

                    // Kernel 55/57: narrow_backward + epilogue (add, add, add) -> %291 [N,4,5]
                    step.Library.Clear(step.Arena(87));
                    step.Library.CopyBlocks(step.Graph, step.Arena(71), 5, 0, step.Arena(87), 20, 15, step.Symbol(0), 5);
                    step.Launch(LossDeviceKernels.Kernel55, ((step.Symbol(0) * 20)), new LossDeviceKernels.Kernel55Args { buffer87 = step.Arena(87), buffer73 = step.Arena(73), buffer76 = step.Arena(76), buffer86 = step.Arena(86) });

                    // Kernel 56/57: embedding_backward -> %292 [20,5]
                    step.Library.ScatterAdd(step.Graph, step.Arena(87), step.IntInput(0), 5, step.Gradient(0), -1, (step.Symbol(0) * 4));
                }
            }

            /// <summary>The fused loops of <c>Loss</c>'s forward+backward program as ILGPU kernels: one thread per output element of each loop's kept axes (one group for a loop reduced to scalars).</summary>
            internal static class LossDeviceKernels
            {
                /// <summary>The storage and sizes kernel 2 reads and writes.</summary>
                internal struct Kernel2Args
                {
                    public global::ILGPU.ArrayView<float> capture2;
                    public global::ILGPU.ArrayView<float> capture3;
                    public global::ILGPU.ArrayView<float> buffer2;
                }

                // Kernel 2/57: GEMM + epilogue (add, add) -> %14 [N,24]
                // %12 = matmul{transpose_b=true}(%11, %3) : [N,24]
                // %13 = add(%12, %4) : [N,24]
                // %14 = add(%13, %5) : [N,24]
                internal static void Kernel2(global::ILGPU.Index1D index, Kernel2Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s4 = a.capture2[i1];
                    float s5 = a.capture3[i1];
                    float s12 = a.buffer2[i0 * 24 + i1];
                    float s13 = s12 + s4;
                    float s14 = s13 + s5;
                    a.buffer2[i0 * extent1 + i1] = s14;
                }

                /// <summary>The storage and sizes kernel 3 reads and writes.</summary>
                internal struct Kernel3Args
                {
                    public global::ILGPU.ArrayView<float> buffer2;
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> buffer4;
                    public global::ILGPU.ArrayView<float> buffer5;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer8;
                }

                // Kernel 3/57: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, tanh, mul) -> %16 [N,6], %18 [N,6], %21 [N,6], %22 [N,6], %20 [N,6], %23 [N,6]
                // %15 = narrow{dim=1;length=6;start=0}(%14) : [N,6]
                // %16 = sigmoid(%15) : [N,6]
                // %17 = narrow{dim=1;length=6;start=12}(%14) : [N,6]
                // %18 = tanh(%17) : [N,6]
                // %19 = narrow{dim=1;length=6;start=18}(%14) : [N,6]
                // %20 = sigmoid(%19) : [N,6]
                // %21 = mul(%16, %18) : [N,6]
                // %22 = tanh(%21) : [N,6]
                // %23 = mul(%20, %22) : [N,6]
                internal static void Kernel3(global::ILGPU.Index1D index, Kernel3Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s15 = a.buffer2[i0 * 24 + i1];
                    float s17 = a.buffer2[12 + i0 * 24 + i1];
                    float s19 = a.buffer2[18 + i0 * 24 + i1];
                    float s16 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s15));
                    float s18 = global::ILGPU.Algorithms.XMath.Tanh(s17);
                    float s20 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s19));
                    float s21 = s16 * s18;
                    float s22 = global::ILGPU.Algorithms.XMath.Tanh(s21);
                    float s23 = s20 * s22;
                    a.buffer3[i0 * extent1 + i1] = s16;
                    a.buffer4[i0 * extent1 + i1] = s18;
                    a.buffer5[i0 * extent1 + i1] = s21;
                    a.buffer6[i0 * extent1 + i1] = s22;
                    a.buffer7[i0 * extent1 + i1] = s20;
                    a.buffer8[i0 * extent1 + i1] = s23;
                }

                /// <summary>The storage and sizes kernel 7 reads and writes.</summary>
                internal struct Kernel7Args
                {
                    public global::ILGPU.ArrayView<float> capture2;
                    public global::ILGPU.ArrayView<float> capture3;
                    public global::ILGPU.ArrayView<float> buffer12;
                }

                // Kernel 7/57: elementwise (add) -> %88 [24]
                // %88 = add(%4, %5) : [24]
                internal static void Kernel7(global::ILGPU.Index1D index, Kernel7Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s4 = a.capture2[i0];
                    float s5 = a.capture3[i0];
                    float s88 = s4 + s5;
                    a.buffer12[i0] = s88;
                }

                /// <summary>The storage and sizes kernel 8 reads and writes.</summary>
                internal struct Kernel8Args
                {
                    public global::ILGPU.ArrayView<float> buffer13;
                    public global::ILGPU.ArrayView<float> buffer12;
                }

                // Kernel 8/57: 2 accumulating GEMMs + epilogue (add) -> %89 [N,24]
                // %26 = matmul{transpose_b=true}(%25, %3) : [N,24]
                // %28 = matmul{transpose_b=true}(%23, %6) : [N,24]
                // %87 = add(%26, %28) : [N,24]
                // %89 = add(%87, %88) : [N,24]
                internal static void Kernel8(global::ILGPU.Index1D index, Kernel8Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s87 = a.buffer13[i0 * 24 + i1];
                    float s88 = a.buffer12[i1];
                    float s89 = s87 + s88;
                    a.buffer13[i0 * extent1 + i1] = s89;
                }

                /// <summary>The storage and sizes kernel 9 reads and writes.</summary>
                internal struct Kernel9Args
                {
                    public global::ILGPU.ArrayView<float> buffer5;
                    public global::ILGPU.ArrayView<float> buffer13;
                    public global::ILGPU.ArrayView<float> buffer14;
                    public global::ILGPU.ArrayView<float> buffer15;
                    public global::ILGPU.ArrayView<float> buffer16;
                    public global::ILGPU.ArrayView<float> buffer17;
                    public global::ILGPU.ArrayView<float> buffer18;
                    public global::ILGPU.ArrayView<float> buffer19;
                    public global::ILGPU.ArrayView<float> buffer20;
                }

                // Kernel 9/57: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %91 [N,6], %93 [N,6], %98 [N,6], %100 [N,6], %101 [N,6], %95 [N,6], %102 [N,6]
                // %90 = narrow{dim=1;length=6;start=0}(%89) : [N,6]
                // %91 = sigmoid(%90) : [N,6]
                // %92 = narrow{dim=1;length=6;start=12}(%89) : [N,6]
                // %93 = tanh(%92) : [N,6]
                // %94 = narrow{dim=1;length=6;start=18}(%89) : [N,6]
                // %95 = sigmoid(%94) : [N,6]
                // %96 = mul(%91, %93) : [N,6]
                // %97 = narrow{dim=1;length=6;start=6}(%89) : [N,6]
                // %98 = sigmoid(%97) : [N,6]
                // %99 = mul(%98, %21) : [N,6]
                // %100 = add(%99, %96) : [N,6]
                // %101 = tanh(%100) : [N,6]
                // %102 = mul(%95, %101) : [N,6]
                internal static void Kernel9(global::ILGPU.Index1D index, Kernel9Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s21 = a.buffer5[i0 * 6 + i1];
                    float s90 = a.buffer13[i0 * 24 + i1];
                    float s92 = a.buffer13[12 + i0 * 24 + i1];
                    float s94 = a.buffer13[18 + i0 * 24 + i1];
                    float s97 = a.buffer13[6 + i0 * 24 + i1];
                    float s91 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s90));
                    float s93 = global::ILGPU.Algorithms.XMath.Tanh(s92);
                    float s95 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s94));
                    float s96 = s91 * s93;
                    float s98 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s97));
                    float s99 = s98 * s21;
                    float s100 = s99 + s96;
                    float s101 = global::ILGPU.Algorithms.XMath.Tanh(s100);
                    float s102 = s95 * s101;
                    a.buffer14[i0 * extent1 + i1] = s91;
                    a.buffer15[i0 * extent1 + i1] = s93;
                    a.buffer16[i0 * extent1 + i1] = s98;
                    a.buffer17[i0 * extent1 + i1] = s100;
                    a.buffer18[i0 * extent1 + i1] = s101;
                    a.buffer19[i0 * extent1 + i1] = s95;
                    a.buffer20[i0 * extent1 + i1] = s102;
                }

                /// <summary>The storage and sizes kernel 10 reads and writes.</summary>
                internal struct Kernel10Args
                {
                    public global::ILGPU.ArrayView<float> buffer12;
                    public global::ILGPU.ArrayView<float> buffer21;
                }

                // Kernel 10/57: 2 accumulating GEMMs + epilogue (add) -> %107 [N,24]
                // %46 = matmul{transpose_b=true}(%45, %3) : [N,24]
                // %103 = matmul{transpose_b=true}(%102, %6) : [N,24]
                // %106 = add(%46, %103) : [N,24]
                // %107 = add(%106, %88) : [N,24]
                internal static void Kernel10(global::ILGPU.Index1D index, Kernel10Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s88 = a.buffer12[i1];
                    float s106 = a.buffer21[i0 * 24 + i1];
                    float s107 = s106 + s88;
                    a.buffer21[i0 * extent1 + i1] = s107;
                }

                /// <summary>The storage and sizes kernel 11 reads and writes.</summary>
                internal struct Kernel11Args
                {
                    public global::ILGPU.ArrayView<float> buffer17;
                    public global::ILGPU.ArrayView<float> buffer21;
                    public global::ILGPU.ArrayView<float> buffer22;
                    public global::ILGPU.ArrayView<float> buffer23;
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> buffer25;
                    public global::ILGPU.ArrayView<float> buffer26;
                    public global::ILGPU.ArrayView<float> buffer27;
                    public global::ILGPU.ArrayView<float> buffer28;
                }

                // Kernel 11/57: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %109 [N,6], %111 [N,6], %116 [N,6], %118 [N,6], %119 [N,6], %113 [N,6], %120 [N,6]
                // %108 = narrow{dim=1;length=6;start=0}(%107) : [N,6]
                // %109 = sigmoid(%108) : [N,6]
                // %110 = narrow{dim=1;length=6;start=12}(%107) : [N,6]
                // %111 = tanh(%110) : [N,6]
                // %112 = narrow{dim=1;length=6;start=18}(%107) : [N,6]
                // %113 = sigmoid(%112) : [N,6]
                // %114 = mul(%109, %111) : [N,6]
                // %115 = narrow{dim=1;length=6;start=6}(%107) : [N,6]
                // %116 = sigmoid(%115) : [N,6]
                // %117 = mul(%116, %100) : [N,6]
                // %118 = add(%117, %114) : [N,6]
                // %119 = tanh(%118) : [N,6]
                // %120 = mul(%113, %119) : [N,6]
                internal static void Kernel11(global::ILGPU.Index1D index, Kernel11Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s100 = a.buffer17[i0 * 6 + i1];
                    float s108 = a.buffer21[i0 * 24 + i1];
                    float s110 = a.buffer21[12 + i0 * 24 + i1];
                    float s112 = a.buffer21[18 + i0 * 24 + i1];
                    float s115 = a.buffer21[6 + i0 * 24 + i1];
                    float s109 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s108));
                    float s111 = global::ILGPU.Algorithms.XMath.Tanh(s110);
                    float s113 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s112));
                    float s114 = s109 * s111;
                    float s116 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s115));
                    float s117 = s116 * s100;
                    float s118 = s117 + s114;
                    float s119 = global::ILGPU.Algorithms.XMath.Tanh(s118);
                    float s120 = s113 * s119;
                    a.buffer22[i0 * extent1 + i1] = s109;
                    a.buffer23[i0 * extent1 + i1] = s111;
                    a.buffer24[i0 * extent1 + i1] = s116;
                    a.buffer25[i0 * extent1 + i1] = s118;
                    a.buffer26[i0 * extent1 + i1] = s119;
                    a.buffer27[i0 * extent1 + i1] = s113;
                    a.buffer28[i0 * extent1 + i1] = s120;
                }

                /// <summary>The storage and sizes kernel 12 reads and writes.</summary>
                internal struct Kernel12Args
                {
                    public global::ILGPU.ArrayView<float> buffer12;
                    public global::ILGPU.ArrayView<float> buffer29;
                }

                // Kernel 12/57: 2 accumulating GEMMs + epilogue (add) -> %125 [N,24]
                // %66 = matmul{transpose_b=true}(%65, %3) : [N,24]
                // %121 = matmul{transpose_b=true}(%120, %6) : [N,24]
                // %124 = add(%66, %121) : [N,24]
                // %125 = add(%124, %88) : [N,24]
                internal static void Kernel12(global::ILGPU.Index1D index, Kernel12Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s88 = a.buffer12[i1];
                    float s124 = a.buffer29[i0 * 24 + i1];
                    float s125 = s124 + s88;
                    a.buffer29[i0 * extent1 + i1] = s125;
                }

                /// <summary>The storage and sizes kernel 13 reads and writes.</summary>
                internal struct Kernel13Args
                {
                    public global::ILGPU.ArrayView<float> buffer25;
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> buffer30;
                    public global::ILGPU.ArrayView<float> buffer31;
                    public global::ILGPU.ArrayView<float> buffer32;
                    public global::ILGPU.ArrayView<float> buffer33;
                    public global::ILGPU.ArrayView<float> buffer34;
                    public global::ILGPU.ArrayView<float> buffer35;
                }

                // Kernel 13/57: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %127 [N,6], %129 [N,6], %134 [N,6], %137 [N,6], %131 [N,6], %138 [N,6]
                // %126 = narrow{dim=1;length=6;start=0}(%125) : [N,6]
                // %127 = sigmoid(%126) : [N,6]
                // %128 = narrow{dim=1;length=6;start=12}(%125) : [N,6]
                // %129 = tanh(%128) : [N,6]
                // %130 = narrow{dim=1;length=6;start=18}(%125) : [N,6]
                // %131 = sigmoid(%130) : [N,6]
                // %132 = mul(%127, %129) : [N,6]
                // %133 = narrow{dim=1;length=6;start=6}(%125) : [N,6]
                // %134 = sigmoid(%133) : [N,6]
                // %135 = mul(%134, %118) : [N,6]
                // %136 = add(%135, %132) : [N,6]
                // %137 = tanh(%136) : [N,6]
                // %138 = mul(%131, %137) : [N,6]
                internal static void Kernel13(global::ILGPU.Index1D index, Kernel13Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s118 = a.buffer25[i0 * 6 + i1];
                    float s126 = a.buffer29[i0 * 24 + i1];
                    float s128 = a.buffer29[12 + i0 * 24 + i1];
                    float s130 = a.buffer29[18 + i0 * 24 + i1];
                    float s133 = a.buffer29[6 + i0 * 24 + i1];
                    float s127 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s126));
                    float s129 = global::ILGPU.Algorithms.XMath.Tanh(s128);
                    float s131 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s130));
                    float s132 = s127 * s129;
                    float s134 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s133));
                    float s135 = s134 * s118;
                    float s136 = s135 + s132;
                    float s137 = global::ILGPU.Algorithms.XMath.Tanh(s136);
                    float s138 = s131 * s137;
                    a.buffer30[i0 * extent1 + i1] = s127;
                    a.buffer31[i0 * extent1 + i1] = s129;
                    a.buffer32[i0 * extent1 + i1] = s134;
                    a.buffer33[i0 * extent1 + i1] = s137;
                    a.buffer34[i0 * extent1 + i1] = s131;
                    a.buffer35[i0 * extent1 + i1] = s138;
                }

                /// <summary>The storage and sizes kernel 14 reads and writes.</summary>
                internal struct Kernel14Args
                {
                    public global::ILGPU.ArrayView<float> capture6;
                    public global::ILGPU.ArrayView<float> buffer36;
                }

                // Kernel 14/57: GEMM + epilogue (add) -> %140 [N,3]
                // %139 = matmul{transpose_b=true}(%138, %7) : [N,3]
                // %140 = add(%139, %8) : [N,3]
                internal static void Kernel14(global::ILGPU.Index1D index, Kernel14Args a)
                {
                    int extent1 = 3;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s8 = a.capture6[i1];
                    float s139 = a.buffer36[i0 * 3 + i1];
                    float s140 = s139 + s8;
                    a.buffer36[i0 * extent1 + i1] = s140;
                }

                /// <summary>The storage and sizes kernel 16 reads and writes.</summary>
                internal struct Kernel16Args
                {
                    public global::ILGPU.ArrayView<float> buffer37;
                    public global::ILGPU.ArrayView<float> grad6;
                    public int dim_N;
                }

                // Kernel 16/57: sum over [N,3] -> %144 [3]
                // %144 = sum{dims=0;keep_dim=false}(%143) : [3]
                internal static void Kernel16(global::ILGPU.Index1D index, Kernel16Args a)
                {
                    int extent0 = a.dim_N;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator144 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s143 = a.buffer37[i0 * 3 + i1];
                        accumulator144 += s143;
                    }
                    a.grad6[i1] += accumulator144;
                }

                /// <summary>The storage and sizes kernel 19 reads and writes.</summary>
                internal struct Kernel19Args
                {
                    public global::ILGPU.ArrayView<float> buffer25;
                    public global::ILGPU.ArrayView<float> buffer30;
                    public global::ILGPU.ArrayView<float> buffer31;
                    public global::ILGPU.ArrayView<float> buffer34;
                    public global::ILGPU.ArrayView<float> buffer32;
                    public global::ILGPU.ArrayView<float> buffer33;
                    public global::ILGPU.ArrayView<float> buffer38;
                    public global::ILGPU.ArrayView<float> buffer39;
                    public global::ILGPU.ArrayView<float> buffer40;
                    public global::ILGPU.ArrayView<float> buffer41;
                    public global::ILGPU.ArrayView<float> buffer42;
                }

                // Kernel 19/57: fused loop with 4 outputs (mul, square, sub, mul, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %151 [N,6], %156 [N,6], %167 [N,6], %172 [N,6]
                // %148 = mul(%145, %131) : [N,6]
                // %149 = square(%137) : [N,6]
                // %150 = sub(%142, %149) : [N,6]
                // %151 = mul(%148, %150) : [N,6]
                // %152 = mul(%151, %118) : [N,6]
                // %154 = sub(%142, %134) : [N,6]
                // %155 = mul(%134, %154) : [N,6]
                // %156 = mul(%152, %155) : [N,6]
                // %158 = mul(%151, %129) : [N,6]
                // %159 = mul(%151, %127) : [N,6]
                // %165 = square(%129) : [N,6]
                // %166 = sub(%142, %165) : [N,6]
                // %167 = mul(%159, %166) : [N,6]
                // %170 = sub(%142, %127) : [N,6]
                // %171 = mul(%127, %170) : [N,6]
                // %172 = mul(%158, %171) : [N,6]
                internal static void Kernel19(global::ILGPU.Index1D index, Kernel19Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s118 = a.buffer25[i0];
                    float s127 = a.buffer30[i0];
                    float s129 = a.buffer31[i0];
                    float s131 = a.buffer34[i0];
                    float s134 = a.buffer32[i0];
                    float s137 = a.buffer33[i0];
                    float s145 = a.buffer38[i0];
                    float s148 = s145 * s131;
                    float s149 = s137 * s137;
                    float s150 = s142 - s149;
                    float s151 = s148 * s150;
                    float s152 = s151 * s118;
                    float s154 = s142 - s134;
                    float s155 = s134 * s154;
                    float s156 = s152 * s155;
                    float s158 = s151 * s129;
                    float s159 = s151 * s127;
                    float s165 = s129 * s129;
                    float s166 = s142 - s165;
                    float s167 = s159 * s166;
                    float s170 = s142 - s127;
                    float s171 = s127 * s170;
                    float s172 = s158 * s171;
                    a.buffer39[i0] = s151;
                    a.buffer40[i0] = s156;
                    a.buffer41[i0] = s167;
                    a.buffer42[i0] = s172;
                }

                /// <summary>The storage and sizes kernel 20 reads and writes.</summary>
                internal struct Kernel20Args
                {
                    public global::ILGPU.ArrayView<float> buffer34;
                    public global::ILGPU.ArrayView<float> buffer33;
                    public global::ILGPU.ArrayView<float> buffer38;
                    public global::ILGPU.ArrayView<float> buffer43;
                }

                // Kernel 20/57: fused elementwise (mul, sub, mul, mul) -> %162 [N,6]
                // %147 = mul(%145, %137) : [N,6]
                // %160 = sub(%142, %131) : [N,6]
                // %161 = mul(%131, %160) : [N,6]
                // %162 = mul(%147, %161) : [N,6]
                internal static void Kernel20(global::ILGPU.Index1D index, Kernel20Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s131 = a.buffer34[i0];
                    float s137 = a.buffer33[i0];
                    float s145 = a.buffer38[i0];
                    float s147 = s145 * s137;
                    float s160 = s142 - s131;
                    float s161 = s131 * s160;
                    float s162 = s147 * s161;
                    a.buffer43[i0] = s162;
                }

                /// <summary>The storage and sizes kernel 24 reads and writes.</summary>
                internal struct Kernel24Args
                {
                    public global::ILGPU.ArrayView<float> buffer47;
                    public global::ILGPU.ArrayView<float> buffer44;
                    public global::ILGPU.ArrayView<float> buffer45;
                    public global::ILGPU.ArrayView<float> buffer46;
                    public global::ILGPU.ArrayView<float> buffer48;
                    public int dim_N;
                }

                // Kernel 24/57: narrow_backward + epilogue (add, add, add, sum) -> %174 [N,24], %175 [24]
                // %157 = narrow_backward{dim=1;length=6;size=24;start=6}(%156) : [N,24]
                // %164 = add(%157, %163) : [N,24]
                // %169 = add(%164, %168) : [N,24]
                // %174 = add(%169, %173) : [N,24]
                // %175 = sum{dims=0;keep_dim=false}(%174) : [24]
                internal static void Kernel24(global::ILGPU.Index1D index, Kernel24Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator175 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s157 = a.buffer47[i0 * 24 + i1];
                        float s163 = a.buffer44[i0 * 24 + i1];
                        float s168 = a.buffer45[i0 * 24 + i1];
                        float s173 = a.buffer46[i0 * 24 + i1];
                        float s164 = s157 + s163;
                        float s169 = s164 + s168;
                        float s174 = s169 + s173;
                        a.buffer47[i0 * extent1 + i1] = s174;
                        accumulator175 += s174;
                    }
                    a.buffer48[i1] = accumulator175;
                }

                /// <summary>The storage and sizes kernel 26 reads and writes.</summary>
                internal struct Kernel26Args
                {
                    public global::ILGPU.ArrayView<float> buffer17;
                    public global::ILGPU.ArrayView<float> buffer22;
                    public global::ILGPU.ArrayView<float> buffer23;
                    public global::ILGPU.ArrayView<float> buffer27;
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> buffer26;
                    public global::ILGPU.ArrayView<float> buffer32;
                    public global::ILGPU.ArrayView<float> buffer39;
                    public global::ILGPU.ArrayView<float> buffer49;
                    public global::ILGPU.ArrayView<float> buffer50;
                    public global::ILGPU.ArrayView<float> buffer51;
                    public global::ILGPU.ArrayView<float> buffer52;
                    public global::ILGPU.ArrayView<float> buffer53;
                }

                // Kernel 26/57: fused loop with 4 outputs (mul, mul, square, sub, mul, add, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %183 [N,6], %188 [N,6], %199 [N,6], %204 [N,6]
                // %153 = mul(%151, %134) : [N,6]
                // %179 = mul(%176, %113) : [N,6]
                // %180 = square(%119) : [N,6]
                // %181 = sub(%142, %180) : [N,6]
                // %182 = mul(%179, %181) : [N,6]
                // %183 = add(%153, %182) : [N,6]
                // %184 = mul(%183, %100) : [N,6]
                // %186 = sub(%142, %116) : [N,6]
                // %187 = mul(%116, %186) : [N,6]
                // %188 = mul(%184, %187) : [N,6]
                // %190 = mul(%183, %111) : [N,6]
                // %191 = mul(%183, %109) : [N,6]
                // %197 = square(%111) : [N,6]
                // %198 = sub(%142, %197) : [N,6]
                // %199 = mul(%191, %198) : [N,6]
                // %202 = sub(%142, %109) : [N,6]
                // %203 = mul(%109, %202) : [N,6]
                // %204 = mul(%190, %203) : [N,6]
                internal static void Kernel26(global::ILGPU.Index1D index, Kernel26Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s100 = a.buffer17[i0];
                    float s109 = a.buffer22[i0];
                    float s111 = a.buffer23[i0];
                    float s113 = a.buffer27[i0];
                    float s116 = a.buffer24[i0];
                    float s119 = a.buffer26[i0];
                    float s134 = a.buffer32[i0];
                    float s151 = a.buffer39[i0];
                    float s176 = a.buffer49[i0];
                    float s153 = s151 * s134;
                    float s179 = s176 * s113;
                    float s180 = s119 * s119;
                    float s181 = s142 - s180;
                    float s182 = s179 * s181;
                    float s183 = s153 + s182;
                    float s184 = s183 * s100;
                    float s186 = s142 - s116;
                    float s187 = s116 * s186;
                    float s188 = s184 * s187;
                    float s190 = s183 * s111;
                    float s191 = s183 * s109;
                    float s197 = s111 * s111;
                    float s198 = s142 - s197;
                    float s199 = s191 * s198;
                    float s202 = s142 - s109;
                    float s203 = s109 * s202;
                    float s204 = s190 * s203;
                    a.buffer50[i0] = s183;
                    a.buffer51[i0] = s188;
                    a.buffer52[i0] = s199;
                    a.buffer53[i0] = s204;
                }

                /// <summary>The storage and sizes kernel 27 reads and writes.</summary>
                internal struct Kernel27Args
                {
                    public global::ILGPU.ArrayView<float> buffer27;
                    public global::ILGPU.ArrayView<float> buffer26;
                    public global::ILGPU.ArrayView<float> buffer49;
                    public global::ILGPU.ArrayView<float> buffer54;
                }

                // Kernel 27/57: fused elementwise (mul, sub, mul, mul) -> %194 [N,6]
                // %178 = mul(%176, %119) : [N,6]
                // %192 = sub(%142, %113) : [N,6]
                // %193 = mul(%113, %192) : [N,6]
                // %194 = mul(%178, %193) : [N,6]
                internal static void Kernel27(global::ILGPU.Index1D index, Kernel27Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s113 = a.buffer27[i0];
                    float s119 = a.buffer26[i0];
                    float s176 = a.buffer49[i0];
                    float s178 = s176 * s119;
                    float s192 = s142 - s113;
                    float s193 = s113 * s192;
                    float s194 = s178 * s193;
                    a.buffer54[i0] = s194;
                }

                /// <summary>The storage and sizes kernel 31 reads and writes.</summary>
                internal struct Kernel31Args
                {
                    public global::ILGPU.ArrayView<float> buffer58;
                    public global::ILGPU.ArrayView<float> buffer55;
                    public global::ILGPU.ArrayView<float> buffer56;
                    public global::ILGPU.ArrayView<float> buffer57;
                    public global::ILGPU.ArrayView<float> buffer59;
                    public int dim_N;
                }

                // Kernel 31/57: narrow_backward + epilogue (add, add, add, sum) -> %206 [N,24], %207 [24]
                // %189 = narrow_backward{dim=1;length=6;size=24;start=6}(%188) : [N,24]
                // %196 = add(%189, %195) : [N,24]
                // %201 = add(%196, %200) : [N,24]
                // %206 = add(%201, %205) : [N,24]
                // %207 = sum{dims=0;keep_dim=false}(%206) : [24]
                internal static void Kernel31(global::ILGPU.Index1D index, Kernel31Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator207 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s189 = a.buffer58[i0 * 24 + i1];
                        float s195 = a.buffer55[i0 * 24 + i1];
                        float s200 = a.buffer56[i0 * 24 + i1];
                        float s205 = a.buffer57[i0 * 24 + i1];
                        float s196 = s189 + s195;
                        float s201 = s196 + s200;
                        float s206 = s201 + s205;
                        a.buffer58[i0 * extent1 + i1] = s206;
                        accumulator207 += s206;
                    }
                    a.buffer59[i1] = accumulator207;
                }

                /// <summary>The storage and sizes kernel 33 reads and writes.</summary>
                internal struct Kernel33Args
                {
                    public global::ILGPU.ArrayView<float> buffer5;
                    public global::ILGPU.ArrayView<float> buffer14;
                    public global::ILGPU.ArrayView<float> buffer15;
                    public global::ILGPU.ArrayView<float> buffer19;
                    public global::ILGPU.ArrayView<float> buffer16;
                    public global::ILGPU.ArrayView<float> buffer18;
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> buffer50;
                    public global::ILGPU.ArrayView<float> buffer60;
                    public global::ILGPU.ArrayView<float> buffer61;
                    public global::ILGPU.ArrayView<float> buffer62;
                    public global::ILGPU.ArrayView<float> buffer63;
                    public global::ILGPU.ArrayView<float> buffer64;
                }

                // Kernel 33/57: fused loop with 4 outputs (mul, mul, square, sub, mul, add, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %217 [N,6], %222 [N,6], %233 [N,6], %238 [N,6]
                // %185 = mul(%183, %116) : [N,6]
                // %213 = mul(%209, %95) : [N,6]
                // %214 = square(%101) : [N,6]
                // %215 = sub(%142, %214) : [N,6]
                // %216 = mul(%213, %215) : [N,6]
                // %217 = add(%185, %216) : [N,6]
                // %218 = mul(%217, %21) : [N,6]
                // %220 = sub(%142, %98) : [N,6]
                // %221 = mul(%98, %220) : [N,6]
                // %222 = mul(%218, %221) : [N,6]
                // %224 = mul(%217, %93) : [N,6]
                // %225 = mul(%217, %91) : [N,6]
                // %231 = square(%93) : [N,6]
                // %232 = sub(%142, %231) : [N,6]
                // %233 = mul(%225, %232) : [N,6]
                // %236 = sub(%142, %91) : [N,6]
                // %237 = mul(%91, %236) : [N,6]
                // %238 = mul(%224, %237) : [N,6]
                internal static void Kernel33(global::ILGPU.Index1D index, Kernel33Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s21 = a.buffer5[i0];
                    float s91 = a.buffer14[i0];
                    float s93 = a.buffer15[i0];
                    float s95 = a.buffer19[i0];
                    float s98 = a.buffer16[i0];
                    float s101 = a.buffer18[i0];
                    float s116 = a.buffer24[i0];
                    float s183 = a.buffer50[i0];
                    float s209 = a.buffer60[i0];
                    float s185 = s183 * s116;
                    float s213 = s209 * s95;
                    float s214 = s101 * s101;
                    float s215 = s142 - s214;
                    float s216 = s213 * s215;
                    float s217 = s185 + s216;
                    float s218 = s217 * s21;
                    float s220 = s142 - s98;
                    float s221 = s98 * s220;
                    float s222 = s218 * s221;
                    float s224 = s217 * s93;
                    float s225 = s217 * s91;
                    float s231 = s93 * s93;
                    float s232 = s142 - s231;
                    float s233 = s225 * s232;
                    float s236 = s142 - s91;
                    float s237 = s91 * s236;
                    float s238 = s224 * s237;
                    a.buffer61[i0] = s217;
                    a.buffer62[i0] = s222;
                    a.buffer63[i0] = s233;
                    a.buffer64[i0] = s238;
                }

                /// <summary>The storage and sizes kernel 34 reads and writes.</summary>
                internal struct Kernel34Args
                {
                    public global::ILGPU.ArrayView<float> buffer19;
                    public global::ILGPU.ArrayView<float> buffer18;
                    public global::ILGPU.ArrayView<float> buffer60;
                    public global::ILGPU.ArrayView<float> buffer65;
                }

                // Kernel 34/57: fused elementwise (mul, sub, mul, mul) -> %228 [N,6]
                // %212 = mul(%209, %101) : [N,6]
                // %226 = sub(%142, %95) : [N,6]
                // %227 = mul(%95, %226) : [N,6]
                // %228 = mul(%212, %227) : [N,6]
                internal static void Kernel34(global::ILGPU.Index1D index, Kernel34Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s95 = a.buffer19[i0];
                    float s101 = a.buffer18[i0];
                    float s209 = a.buffer60[i0];
                    float s212 = s209 * s101;
                    float s226 = s142 - s95;
                    float s227 = s95 * s226;
                    float s228 = s212 * s227;
                    a.buffer65[i0] = s228;
                }

                /// <summary>The storage and sizes kernel 38 reads and writes.</summary>
                internal struct Kernel38Args
                {
                    public global::ILGPU.ArrayView<float> buffer69;
                    public global::ILGPU.ArrayView<float> buffer66;
                    public global::ILGPU.ArrayView<float> buffer67;
                    public global::ILGPU.ArrayView<float> buffer68;
                    public global::ILGPU.ArrayView<float> buffer70;
                    public int dim_N;
                }

                // Kernel 38/57: narrow_backward + epilogue (add, add, add, sum) -> %240 [N,24], %241 [24]
                // %223 = narrow_backward{dim=1;length=6;size=24;start=6}(%222) : [N,24]
                // %230 = add(%223, %229) : [N,24]
                // %235 = add(%230, %234) : [N,24]
                // %240 = add(%235, %239) : [N,24]
                // %241 = sum{dims=0;keep_dim=false}(%240) : [24]
                internal static void Kernel38(global::ILGPU.Index1D index, Kernel38Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator241 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s223 = a.buffer69[i0 * 24 + i1];
                        float s229 = a.buffer66[i0 * 24 + i1];
                        float s234 = a.buffer67[i0 * 24 + i1];
                        float s239 = a.buffer68[i0 * 24 + i1];
                        float s230 = s223 + s229;
                        float s235 = s230 + s234;
                        float s240 = s235 + s239;
                        a.buffer69[i0 * extent1 + i1] = s240;
                        accumulator241 += s240;
                    }
                    a.buffer70[i1] = accumulator241;
                }

                /// <summary>The storage and sizes kernel 46 reads and writes.</summary>
                internal struct Kernel46Args
                {
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> buffer4;
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer16;
                    public global::ILGPU.ArrayView<float> buffer61;
                    public global::ILGPU.ArrayView<float> buffer74;
                    public global::ILGPU.ArrayView<float> buffer77;
                    public global::ILGPU.ArrayView<float> buffer78;
                    public global::ILGPU.ArrayView<float> buffer79;
                }

                // Kernel 46/57: fused loop with 3 outputs (mul, mul, square, sub, mul, add, mul, mul, square, sub, mul, sub, mul, mul) -> %267 [N,6], %276 [N,6], %281 [N,6]
                // %219 = mul(%217, %98) : [N,6]
                // %263 = mul(%253, %20) : [N,6]
                // %264 = square(%22) : [N,6]
                // %265 = sub(%142, %264) : [N,6]
                // %266 = mul(%263, %265) : [N,6]
                // %267 = add(%219, %266) : [N,6]
                // %268 = mul(%267, %18) : [N,6]
                // %269 = mul(%267, %16) : [N,6]
                // %274 = square(%18) : [N,6]
                // %275 = sub(%142, %274) : [N,6]
                // %276 = mul(%269, %275) : [N,6]
                // %279 = sub(%142, %16) : [N,6]
                // %280 = mul(%16, %279) : [N,6]
                // %281 = mul(%268, %280) : [N,6]
                internal static void Kernel46(global::ILGPU.Index1D index, Kernel46Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s16 = a.buffer3[i0];
                    float s18 = a.buffer4[i0];
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s98 = a.buffer16[i0];
                    float s217 = a.buffer61[i0];
                    float s253 = a.buffer74[i0];
                    float s219 = s217 * s98;
                    float s263 = s253 * s20;
                    float s264 = s22 * s22;
                    float s265 = s142 - s264;
                    float s266 = s263 * s265;
                    float s267 = s219 + s266;
                    float s268 = s267 * s18;
                    float s269 = s267 * s16;
                    float s274 = s18 * s18;
                    float s275 = s142 - s274;
                    float s276 = s269 * s275;
                    float s279 = s142 - s16;
                    float s280 = s16 * s279;
                    float s281 = s268 * s280;
                    a.buffer77[i0] = s267;
                    a.buffer78[i0] = s276;
                    a.buffer79[i0] = s281;
                }

                /// <summary>The storage and sizes kernel 47 reads and writes.</summary>
                internal struct Kernel47Args
                {
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer74;
                    public global::ILGPU.ArrayView<float> buffer80;
                }

                // Kernel 47/57: fused elementwise (mul, sub, mul, mul) -> %272 [N,6]
                // %262 = mul(%253, %22) : [N,6]
                // %270 = sub(%142, %20) : [N,6]
                // %271 = mul(%20, %270) : [N,6]
                // %272 = mul(%262, %271) : [N,6]
                internal static void Kernel47(global::ILGPU.Index1D index, Kernel47Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = 1f;
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s253 = a.buffer74[i0];
                    float s262 = s253 * s22;
                    float s270 = s142 - s20;
                    float s271 = s20 * s270;
                    float s272 = s262 * s271;
                    a.buffer80[i0] = s272;
                }

                /// <summary>The storage and sizes kernel 50 reads and writes.</summary>
                internal struct Kernel50Args
                {
                    public global::ILGPU.ArrayView<float> buffer83;
                    public global::ILGPU.ArrayView<float> buffer81;
                    public global::ILGPU.ArrayView<float> buffer82;
                    public global::ILGPU.ArrayView<float> buffer84;
                    public int dim_N;
                }

                // Kernel 50/57: narrow_backward + epilogue (add, add, sum) -> %283 [N,24], %284 [24]
                // %273 = narrow_backward{dim=1;length=6;size=24;start=18}(%272) : [N,24]
                // %278 = add(%273, %277) : [N,24]
                // %283 = add(%278, %282) : [N,24]
                // %284 = sum{dims=0;keep_dim=false}(%283) : [24]
                internal static void Kernel50(global::ILGPU.Index1D index, Kernel50Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator284 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s273 = a.buffer83[i0 * 24 + i1];
                        float s277 = a.buffer81[i0 * 24 + i1];
                        float s282 = a.buffer82[i0 * 24 + i1];
                        float s278 = s273 + s277;
                        float s283 = s278 + s282;
                        a.buffer83[i0 * extent1 + i1] = s283;
                        accumulator284 += s283;
                    }
                    a.buffer84[i1] = accumulator284;
                }

                /// <summary>The storage and sizes kernel 51 reads and writes.</summary>
                internal struct Kernel51Args
                {
                    public global::ILGPU.ArrayView<float> buffer48;
                    public global::ILGPU.ArrayView<float> buffer59;
                    public global::ILGPU.ArrayView<float> buffer70;
                    public global::ILGPU.ArrayView<float> buffer84;
                    public global::ILGPU.ArrayView<float> grad2;
                    public global::ILGPU.ArrayView<float> grad3;
                }

                // Kernel 51/57: fused loop with 2 outputs (add, add, add, copy) -> %285 [24], %293 [24]
                // %208 = add(%175, %207) : [24]
                // %242 = add(%208, %241) : [24]
                // %285 = add(%242, %284) : [24]
                // %293 = copy{gradient_of=3}(%285) : [24]
                internal static void Kernel51(global::ILGPU.Index1D index, Kernel51Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s175 = a.buffer48[i0];
                    float s207 = a.buffer59[i0];
                    float s241 = a.buffer70[i0];
                    float s284 = a.buffer84[i0];
                    float s208 = s175 + s207;
                    float s242 = s208 + s241;
                    float s285 = s242 + s284;
                    float s293 = s285;
                    a.grad2[i0] += s285;
                    a.grad3[i0] += s293;
                }

                /// <summary>The storage and sizes kernel 55 reads and writes.</summary>
                internal struct Kernel55Args
                {
                    public global::ILGPU.ArrayView<float> buffer87;
                    public global::ILGPU.ArrayView<float> buffer73;
                    public global::ILGPU.ArrayView<float> buffer76;
                    public global::ILGPU.ArrayView<float> buffer86;
                }

                // Kernel 55/57: narrow_backward + epilogue (add, add, add) -> %291 [N,4,5]
                // %246 = narrow_backward{dim=1;length=1;size=4;start=3}(%245) : [N,4,5]
                // %252 = add(%246, %251) : [N,4,5]
                // %261 = add(%252, %260) : [N,4,5]
                // %291 = add(%261, %290) : [N,4,5]
                internal static void Kernel55(global::ILGPU.Index1D index, Kernel55Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s246 = a.buffer87[i0];
                    float s251 = a.buffer73[i0];
                    float s260 = a.buffer76[i0];
                    float s290 = a.buffer86[i0];
                    float s252 = s246 + s251;
                    float s261 = s252 + s260;
                    float s291 = s261 + s290;
                    a.buffer87[i0] = s291;
                }
            }

