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
                    // Kernel 0/32: embedding -> %9 [N,4,5]
                    step.Library.Gather(step.Graph, step.Capture(0), 5, step.IntInput(0), step.Arena(0), (step.Symbol(0) * 4));

                    // Kernel 1/32: narrow -> %10 [N,1,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 0, step.Arena(1), 5, 0, step.Symbol(0), 5);

                    // Kernel 2/32: GEMM + epilogue (add, add) -> %14 [N,24]
                    step.Library.Gemm(step.Graph, step.Arena(1), step.Capture(1), step.Arena(2), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel2, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel2Args { capture2 = step.Capture(2), capture3 = step.Capture(3), buffer2 = step.Arena(2) });

                    // Kernel 3/32: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, tanh, mul) -> %16 [N,6], %18 [N,6], %21 [N,6], %22 [N,6], %20 [N,6], %23 [N,6]
                    step.Launch(LossDeviceKernels.Kernel3, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel3Args { buffer2 = step.Arena(2), buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer5 = step.Arena(5), buffer6 = step.Arena(6), buffer7 = step.Arena(7), buffer8 = step.Arena(8) });

                    // Kernel 4/32: narrow -> %26 [N,3,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 5, step.Arena(9), 15, 0, step.Symbol(0), 15);

                    // Kernel 5/32: transpose -> %27 [3,N,5]
                    step.Library.SwapAxes(step.Graph, step.Arena(9), step.Arena(10), 1, step.Symbol(0), 1, 3, 5);

                    // Kernel 6/32: elementwise (add) -> %74 [24]
                    step.Launch(LossDeviceKernels.Kernel6, (24), new LossDeviceKernels.Kernel6Args { capture2 = step.Capture(2), capture3 = step.Capture(3), buffer11 = step.Arena(11) });

                    // Kernel 7/32: loop over 3 steps, its body 2 kernel(s) -> %104 [3,N,6], %90 [N,6], %103 [3,N,6]
                    {
                        // %90 = scan{body=1;output=0;reverse=false;shape=N,6;stacked=false;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [N,6]
                        // %103 = scan{body=1;output=0;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %104 = scan{body=1;output=1;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        int loop7Steps = 3;
                        for (int loop7Step = 0; loop7Step < loop7Steps; loop7Step++)
                        {
                            int loop7Time = loop7Step;
                            global::ILGPU.ArrayView<float> loop7Out0 = step.Arena(14).SubView((loop7Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop7Out1 = step.Arena(12).SubView((loop7Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop7Slot24 = loop7Step == 0 ? step.Arena(8) : step.Arena(14).SubView((loop7Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop7Slot25 = loop7Step == 0 ? step.Arena(5) : step.Arena(12).SubView((loop7Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop7Slot28 = step.Arena(10).SubView((loop7Time) * (step.Symbol(0) * 5), (step.Symbol(0) * 5));

                            // Kernel 0/2: 2 accumulating GEMMs + epilogue (add) -> %76 [N,24]
                            step.Library.Gemm(step.Graph, loop7Slot28, step.Capture(1), step.Arena(15), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                            step.Library.Gemm(step.Graph, loop7Slot24, step.Capture(4), step.Arena(15), step.Symbol(0), 24, 6, transposeA: false, transposeB: true, accumulate: true);
                            step.Launch(LossDeviceKernels.Kernel7Step0, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel7Step0Args { buffer15 = step.Arena(15), slot75 = step.Arena(11) });

                            // Kernel 1/2: fused loop with 2 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %87 [N,6], %89 [N,6]
                            step.Launch(LossDeviceKernels.Kernel7Step1, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel7Step1Args { slot25 = loop7Slot25, buffer15 = step.Arena(15), output1 = loop7Out1, output0 = loop7Out0 });
                        }
                        step.Library.Copy(step.Arena(14).SubView((loop7Steps - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6)), step.Arena(13));
                    }

                    // Kernel 8/32: GEMM + epilogue (add) -> %92 [N,3]
                    step.Library.Gemm(step.Graph, step.Arena(13), step.Capture(5), step.Arena(16), step.Symbol(0), 3, 6, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel8, (step.Symbol(0)) * (3), new LossDeviceKernels.Kernel8Args { capture6 = step.Capture(6), buffer16 = step.Arena(16) });

                    // Kernel 9/32: cross_entropy + cross_entropy_backward (one pass) -> %93 [], %95 [N,3]
                    step.Library.CrossEntropy(step.Graph, step.Arena(16), step.IntInput(1), step.Symbol(0), 3, loss: step.Result, upstream: step.One, upstreamScale: 1f, gradient: step.Arena(17));

                    // Kernel 10/32: sum over [N,3] -> %96 [3]
                    step.Launch(LossDeviceKernels.Kernel10, (3), new LossDeviceKernels.Kernel10Args { buffer17 = step.Arena(17), grad6 = step.Gradient(6), dim_N = step.Symbol(0) });

                    // Kernel 11/32: GEMM -> %97 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(17), step.Capture(5), step.Arena(18), step.Symbol(0), 6, 3, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 12/32: GEMM Aᵀ -> %98 [3,6]
                    step.Library.Gemm(step.Graph, step.Arena(17), step.Arena(13), step.Gradient(5), 3, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 13/32: elementwise (broadcast_to) -> %102 [N,6]
                    step.Launch(LossDeviceKernels.Kernel13, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel13Args { buffer19 = step.Arena(19) });

                    // Kernel 14/32: elementwise (broadcast_to) -> %140 [24,5]
                    step.Launch(LossDeviceKernels.Kernel14, (120), new LossDeviceKernels.Kernel14Args { buffer20 = step.Arena(20) });

                    // Kernel 15/32: elementwise (broadcast_to) -> %143 [24,6]
                    step.Launch(LossDeviceKernels.Kernel15, (144), new LossDeviceKernels.Kernel15Args { buffer21 = step.Arena(21) });

                    // Kernel 16/32: elementwise (broadcast_to) -> %146 [24]
                    step.Launch(LossDeviceKernels.Kernel16, (24), new LossDeviceKernels.Kernel16Args { buffer22 = step.Arena(22) });

                    // Kernel 17/32: loop over 3 steps in reverse, its body 11 kernel(s) -> %153 [3,N,5], %148 [N,6], %149 [N,6], %150 [24,5], %151 [24,6], %152 [24]
                    {
                        // %148 = scan{body=2;output=0;reverse=true;shape=N,6;stacked=false;steps=3}(%97, %102, %23, %103, %21, %104, %27, %3, %4, %6, %5, %74, %140, %143, %146) : [N,6]
                        // %149 = scan{body=2;output=1;reverse=true;shape=N,6;stacked=false;steps=3}(%97, %102, %23, %103, %21, %104, %27, %3, %4, %6, %5, %74, %140, %143, %146) : [N,6]
                        // %150 = scan{body=2;output=2;reverse=true;shape=24,5;stacked=false;steps=3}(%97, %102, %23, %103, %21, %104, %27, %3, %4, %6, %5, %74, %140, %143, %146) : [24,5]
                        // %151 = scan{body=2;output=3;reverse=true;shape=24,6;stacked=false;steps=3}(%97, %102, %23, %103, %21, %104, %27, %3, %4, %6, %5, %74, %140, %143, %146) : [24,6]
                        // %152 = scan{body=2;output=4;reverse=true;shape=24;stacked=false;steps=3}(%97, %102, %23, %103, %21, %104, %27, %3, %4, %6, %5, %74, %140, %143, %146) : [24]
                        // %153 = scan{body=2;output=5;reverse=true;shape=3,N,5;stacked=true;steps=3}(%97, %102, %23, %103, %21, %104, %27, %3, %4, %6, %5, %74, %140, %143, %146) : [3,N,5]
                        int loop17Steps = 3;
                        for (int loop17Step = 0; loop17Step < loop17Steps; loop17Step++)
                        {
                            int loop17Time = loop17Steps - 1 - loop17Step;
                            global::ILGPU.ArrayView<float> loop17Out0 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(24) : step.Arena(45);
                            global::ILGPU.ArrayView<float> loop17Out1 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(25) : step.Arena(46);
                            global::ILGPU.ArrayView<float> loop17Out2 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(26) : step.Arena(47);
                            global::ILGPU.ArrayView<float> loop17Out3 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(27) : step.Arena(48);
                            global::ILGPU.ArrayView<float> loop17Out4 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(28) : step.Arena(49);
                            global::ILGPU.ArrayView<float> loop17Out5 = step.Arena(23).SubView((loop17Time) * (step.Symbol(0) * 5), (step.Symbol(0) * 5));
                            global::ILGPU.ArrayView<float> loop17Slot99 = loop17Step == 0 ? step.Arena(18) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(24) : step.Arena(45));
                            global::ILGPU.ArrayView<float> loop17Slot100 = loop17Step == 0 ? step.Arena(19) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(25) : step.Arena(46));
                            global::ILGPU.ArrayView<float> loop17Slot139 = loop17Step == 0 ? step.Arena(20) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(26) : step.Arena(47));
                            global::ILGPU.ArrayView<float> loop17Slot142 = loop17Step == 0 ? step.Arena(21) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(27) : step.Arena(48));
                            global::ILGPU.ArrayView<float> loop17Slot145 = loop17Step == 0 ? step.Arena(22) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(28) : step.Arena(49));
                            global::ILGPU.ArrayView<float> loop17Slot24 = loop17Time == 0 ? step.Arena(8) : step.Arena(14).SubView((loop17Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot25 = loop17Time == 0 ? step.Arena(5) : step.Arena(12).SubView((loop17Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot28 = step.Arena(10).SubView((loop17Time) * (step.Symbol(0) * 5), (step.Symbol(0) * 5));

                            // Kernel 0/11: 2 accumulating GEMMs + epilogue (add) -> %76 [N,24]
                            step.Library.Gemm(step.Graph, loop17Slot28, step.Capture(1), step.Arena(29), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                            step.Library.Gemm(step.Graph, loop17Slot24, step.Capture(4), step.Arena(29), step.Symbol(0), 24, 6, transposeA: false, transposeB: true, accumulate: true);
                            step.Launch(LossDeviceKernels.Kernel17Step0, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel17Step0Args { buffer29 = step.Arena(29), slot75 = step.Arena(11) });

                            // Kernel 1/11: fused loop with 11 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul, mul, square, sub, mul, add, mul, mul, sub, mul, mul, mul, mul, sub, mul, mul, square, sub, mul, sub, mul, mul) -> %78 [N,6], %80 [N,6], %85 [N,6], %88 [N,6], %82 [N,6], %110 [N,6], %112 [N,6], %115 [N,6], %121 [N,6], %126 [N,6], %131 [N,6]
                            step.Launch(LossDeviceKernels.Kernel17Step1, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel17Step1Args { slot25 = loop17Slot25, buffer29 = step.Arena(29), slot99 = loop17Slot99, slot100 = loop17Slot100, buffer30 = step.Arena(30), buffer31 = step.Arena(31), buffer32 = step.Arena(32), buffer33 = step.Arena(33), buffer34 = step.Arena(34), buffer35 = step.Arena(35), output1 = loop17Out1, buffer36 = step.Arena(36), buffer37 = step.Arena(37), buffer38 = step.Arena(38), buffer39 = step.Arena(39) });

                            // Kernel 2/11: narrow_backward -> %122 [N,24]
                            step.Library.Clear(step.Arena(40));
                            step.Library.CopyBlocks(step.Graph, step.Arena(37), 6, 0, step.Arena(40), 24, 18, step.Symbol(0), 6);

                            // Kernel 3/11: narrow_backward -> %127 [N,24]
                            step.Library.Clear(step.Arena(41));
                            step.Library.CopyBlocks(step.Graph, step.Arena(38), 6, 0, step.Arena(41), 24, 12, step.Symbol(0), 6);

                            // Kernel 4/11: narrow_backward -> %132 [N,24]
                            step.Library.Clear(step.Arena(42));
                            step.Library.CopyBlocks(step.Graph, step.Arena(39), 6, 0, step.Arena(42), 24, 0, step.Symbol(0), 6);

                            // Kernel 5/11: narrow_backward + epilogue (add, add, add, sum) -> %133 [N,24], %134 [24]
                            step.Library.Clear(step.Arena(43));
                            step.Library.CopyBlocks(step.Graph, step.Arena(36), 6, 0, step.Arena(43), 24, 6, step.Symbol(0), 6);
                            step.Launch(LossDeviceKernels.Kernel17Step5, (24), new LossDeviceKernels.Kernel17Step5Args { buffer43 = step.Arena(43), buffer40 = step.Arena(40), buffer41 = step.Arena(41), buffer42 = step.Arena(42), buffer44 = step.Arena(44), dim_N = step.Symbol(0) });

                            // Kernel 6/11: GEMM -> %135 [N,6]
                            step.Library.Gemm(step.Graph, step.Arena(43), step.Capture(4), loop17Out0, step.Symbol(0), 6, 24, transposeA: false, transposeB: false, accumulate: false);

                            // Kernel 7/11: GEMM -> %137 [N,5]
                            step.Library.Gemm(step.Graph, step.Arena(43), step.Capture(1), loop17Out5, step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                            // Kernel 8/11: GEMM + epilogue (add) -> %141 [24,5]
                            step.Library.Gemm(step.Graph, step.Arena(43), loop17Slot28, loop17Out2, 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: false);
                            step.Launch(LossDeviceKernels.Kernel17Step8, (120), new LossDeviceKernels.Kernel17Step8Args { output2 = loop17Out2, slot139 = loop17Slot139 });

                            // Kernel 9/11: GEMM + epilogue (add) -> %144 [24,6]
                            step.Library.Gemm(step.Graph, step.Arena(43), loop17Slot24, loop17Out3, 24, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: false);
                            step.Launch(LossDeviceKernels.Kernel17Step9, (144), new LossDeviceKernels.Kernel17Step9Args { output3 = loop17Out3, slot142 = loop17Slot142 });

                            // Kernel 10/11: elementwise (add) -> %147 [24]
                            step.Launch(LossDeviceKernels.Kernel17Step10, (24), new LossDeviceKernels.Kernel17Step10Args { buffer44 = step.Arena(44), slot145 = loop17Slot145, output4 = loop17Out4 });
                        }
                    }

                    // Kernel 18/32: transpose -> %154 [N,3,5]
                    step.Library.SwapAxes(step.Graph, step.Arena(23), step.Arena(50), 1, 3, 1, step.Symbol(0), 5);

                    // Kernel 19/32: fused loop with 3 outputs (mul, square, sub, mul, add, mul, mul, square, sub, mul, sub, mul, mul) -> %161 [N,6], %170 [N,6], %175 [N,6]
                    step.Launch(LossDeviceKernels.Kernel19, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel19Args { buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer24 = step.Arena(24), buffer25 = step.Arena(25), buffer51 = step.Arena(51), buffer52 = step.Arena(52), buffer53 = step.Arena(53) });

                    // Kernel 20/32: fused elementwise (mul, sub, mul, mul) -> %166 [N,6]
                    step.Launch(LossDeviceKernels.Kernel20, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel20Args { buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer24 = step.Arena(24), buffer54 = step.Arena(54) });

                    // Kernel 21/32: narrow_backward -> %171 [N,24]
                    step.Library.Clear(step.Arena(55));
                    step.Library.CopyBlocks(step.Graph, step.Arena(52), 6, 0, step.Arena(55), 24, 12, step.Symbol(0), 6);

                    // Kernel 22/32: narrow_backward -> %176 [N,24]
                    step.Library.Clear(step.Arena(56));
                    step.Library.CopyBlocks(step.Graph, step.Arena(53), 6, 0, step.Arena(56), 24, 0, step.Symbol(0), 6);

                    // Kernel 23/32: narrow_backward + epilogue (add, add, sum) -> %177 [N,24], %178 [24]
                    step.Library.Clear(step.Arena(57));
                    step.Library.CopyBlocks(step.Graph, step.Arena(54), 6, 0, step.Arena(57), 24, 18, step.Symbol(0), 6);
                    step.Launch(LossDeviceKernels.Kernel23, (24), new LossDeviceKernels.Kernel23Args { buffer57 = step.Arena(57), buffer55 = step.Arena(55), buffer56 = step.Arena(56), buffer58 = step.Arena(58), dim_N = step.Symbol(0) });

                    // Kernel 24/32: fused loop with 2 outputs (add, copy) -> %179 [24], %187 [24]
                    step.Launch(LossDeviceKernels.Kernel24, (24), new LossDeviceKernels.Kernel24Args { buffer28 = step.Arena(28), buffer58 = step.Arena(58), grad2 = step.Gradient(2), grad3 = step.Gradient(3) });

                    // Kernel 25/32: GEMM -> %180 [N,5]
                    step.Library.Gemm(step.Graph, step.Arena(57), step.Capture(1), step.Arena(59), step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 26/32: GEMM Aᵀ -> %181 [24,5]
                    step.Library.Gemm(step.Graph, step.Arena(57), step.Arena(1), step.Arena(60), 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: false);

                    // Kernel 27/32: elementwise (add) -> %182 [24,5]
                    step.Launch(LossDeviceKernels.Kernel27, (120), new LossDeviceKernels.Kernel27Args { buffer26 = step.Arena(26), buffer60 = step.Arena(60), grad1 = step.Gradient(1) });

                    // Kernel 28/32: narrow_backward -> %184 [N,4,5]
                    step.Library.Clear(step.Arena(61));
                    step.Library.CopyBlocks(step.Graph, step.Arena(59), 5, 0, step.Arena(61), 20, 0, step.Symbol(0), 5);

                    // Kernel 29/32: narrow_backward + epilogue (add) -> %185 [N,4,5]
                    step.Library.Clear(step.Arena(62));
                    step.Library.CopyBlocks(step.Graph, step.Arena(50), 15, 0, step.Arena(62), 20, 5, step.Symbol(0), 15);
                    step.Launch(LossDeviceKernels.Kernel29, ((step.Symbol(0) * 20)), new LossDeviceKernels.Kernel29Args { buffer62 = step.Arena(62), buffer61 = step.Arena(61) });

                    // Kernel 30/32: embedding_backward -> %186 [20,5]
                    step.Library.ScatterAdd(step.Graph, step.Arena(62), step.IntInput(0), 5, step.Gradient(0), -1, (step.Symbol(0) * 4));

                    // Kernel 31/32: elementwise (copy) -> %188 [24,6]
                    step.Launch(LossDeviceKernels.Kernel31, (144), new LossDeviceKernels.Kernel31Args { buffer27 = step.Arena(27), grad4 = step.Gradient(4) });
                }
            }

            /// <summary>The fused loops of <c>Loss</c>'s forward+backward program as ILGPU kernels: one thread per output element of each loop's kept axes.</summary>
            internal static class LossDeviceKernels
            {
                /// <summary>The storage and sizes kernel 2 reads and writes.</summary>
                internal struct Kernel2Args
                {
                    public global::ILGPU.ArrayView<float> capture2;
                    public global::ILGPU.ArrayView<float> capture3;
                    public global::ILGPU.ArrayView<float> buffer2;
                }

                // Kernel 2/32: GEMM + epilogue (add, add) -> %14 [N,24]
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

                // Kernel 3/32: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, tanh, mul) -> %16 [N,6], %18 [N,6], %21 [N,6], %22 [N,6], %20 [N,6], %23 [N,6]
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

                /// <summary>The storage and sizes kernel 6 reads and writes.</summary>
                internal struct Kernel6Args
                {
                    public global::ILGPU.ArrayView<float> capture2;
                    public global::ILGPU.ArrayView<float> capture3;
                    public global::ILGPU.ArrayView<float> buffer11;
                }

                // Kernel 6/32: elementwise (add) -> %74 [24]
                // %74 = add(%4, %5) : [24]
                internal static void Kernel6(global::ILGPU.Index1D index, Kernel6Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s4 = a.capture2[i0];
                    float s5 = a.capture3[i0];
                    float s74 = s4 + s5;
                    a.buffer11[i0] = s74;
                }

                /// <summary>The storage and sizes kernel 0 of the steps of kernel 7 reads and writes.</summary>
                internal struct Kernel7Step0Args
                {
                    public global::ILGPU.ArrayView<float> buffer15;
                    public global::ILGPU.ArrayView<float> slot75;
                }

                // Kernel 0/2: 2 accumulating GEMMs + epilogue (add) -> %76 [N,24]
                // %33 = matmul{transpose_b=true}(%30, %31) : [N,24]
                // %37 = matmul{transpose_b=true}(%24, %35) : [N,24]
                // %58 = add(%33, %37) : [N,24]
                // %76 = add(%58, %75) : [N,24]
                internal static void Kernel7Step0(global::ILGPU.Index1D index, Kernel7Step0Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s58 = a.buffer15[i0 * 24 + i1];
                    float s75 = a.slot75[i1];
                    float s76 = s58 + s75;
                    a.buffer15[i0 * extent1 + i1] = s76;
                }

                /// <summary>The storage and sizes kernel 1 of the steps of kernel 7 reads and writes.</summary>
                internal struct Kernel7Step1Args
                {
                    public global::ILGPU.ArrayView<float> slot25;
                    public global::ILGPU.ArrayView<float> buffer15;
                    public global::ILGPU.ArrayView<float> output1;
                    public global::ILGPU.ArrayView<float> output0;
                }

                // Kernel 1/2: fused loop with 2 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %87 [N,6], %89 [N,6]
                // %77 = narrow{dim=1;length=6;start=0}(%76) : [N,6]
                // %78 = sigmoid(%77) : [N,6]
                // %79 = narrow{dim=1;length=6;start=12}(%76) : [N,6]
                // %80 = tanh(%79) : [N,6]
                // %81 = narrow{dim=1;length=6;start=18}(%76) : [N,6]
                // %82 = sigmoid(%81) : [N,6]
                // %83 = mul(%78, %80) : [N,6]
                // %84 = narrow{dim=1;length=6;start=6}(%76) : [N,6]
                // %85 = sigmoid(%84) : [N,6]
                // %86 = mul(%85, %25) : [N,6]
                // %87 = add(%86, %83) : [N,6]
                // %88 = tanh(%87) : [N,6]
                // %89 = mul(%82, %88) : [N,6]
                internal static void Kernel7Step1(global::ILGPU.Index1D index, Kernel7Step1Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s25 = a.slot25[i0 * 6 + i1];
                    float s77 = a.buffer15[i0 * 24 + i1];
                    float s79 = a.buffer15[12 + i0 * 24 + i1];
                    float s81 = a.buffer15[18 + i0 * 24 + i1];
                    float s84 = a.buffer15[6 + i0 * 24 + i1];
                    float s78 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s77));
                    float s80 = global::ILGPU.Algorithms.XMath.Tanh(s79);
                    float s82 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s81));
                    float s83 = s78 * s80;
                    float s85 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s84));
                    float s86 = s85 * s25;
                    float s87 = s86 + s83;
                    float s88 = global::ILGPU.Algorithms.XMath.Tanh(s87);
                    float s89 = s82 * s88;
                    a.output1[i0 * extent1 + i1] = s87;
                    a.output0[i0 * extent1 + i1] = s89;
                }

                /// <summary>The storage and sizes kernel 8 reads and writes.</summary>
                internal struct Kernel8Args
                {
                    public global::ILGPU.ArrayView<float> capture6;
                    public global::ILGPU.ArrayView<float> buffer16;
                }

                // Kernel 8/32: GEMM + epilogue (add) -> %92 [N,3]
                // %91 = matmul{transpose_b=true}(%90, %7) : [N,3]
                // %92 = add(%91, %8) : [N,3]
                internal static void Kernel8(global::ILGPU.Index1D index, Kernel8Args a)
                {
                    int extent1 = 3;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s8 = a.capture6[i1];
                    float s91 = a.buffer16[i0 * 3 + i1];
                    float s92 = s91 + s8;
                    a.buffer16[i0 * extent1 + i1] = s92;
                }

                /// <summary>The storage and sizes kernel 10 reads and writes.</summary>
                internal struct Kernel10Args
                {
                    public global::ILGPU.ArrayView<float> buffer17;
                    public global::ILGPU.ArrayView<float> grad6;
                    public int dim_N;
                }

                // Kernel 10/32: sum over [N,3] -> %96 [3]
                // %96 = sum{dims=0;keep_dim=false}(%95) : [3]
                internal static void Kernel10(global::ILGPU.Index1D index, Kernel10Args a)
                {
                    int extent0 = a.dim_N;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator96 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s95 = a.buffer17[i0 * 3 + i1];
                        accumulator96 += s95;
                    }
                    a.grad6[i1] += accumulator96;
                }

                /// <summary>The storage and sizes kernel 13 reads and writes.</summary>
                internal struct Kernel13Args
                {
                    public global::ILGPU.ArrayView<float> buffer19;
                }

                // Kernel 13/32: elementwise (broadcast_to) -> %102 [N,6]
                // %102 = broadcast_to{shape=N,6}(%101) : [N,6]
                internal static void Kernel13(global::ILGPU.Index1D index, Kernel13Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s102 = s101;
                    a.buffer19[i0] = s102;
                }

                /// <summary>The storage and sizes kernel 14 reads and writes.</summary>
                internal struct Kernel14Args
                {
                    public global::ILGPU.ArrayView<float> buffer20;
                }

                // Kernel 14/32: elementwise (broadcast_to) -> %140 [24,5]
                // %140 = broadcast_to{shape=24,5}(%101) : [24,5]
                internal static void Kernel14(global::ILGPU.Index1D index, Kernel14Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s140 = s101;
                    a.buffer20[i0] = s140;
                }

                /// <summary>The storage and sizes kernel 15 reads and writes.</summary>
                internal struct Kernel15Args
                {
                    public global::ILGPU.ArrayView<float> buffer21;
                }

                // Kernel 15/32: elementwise (broadcast_to) -> %143 [24,6]
                // %143 = broadcast_to{shape=24,6}(%101) : [24,6]
                internal static void Kernel15(global::ILGPU.Index1D index, Kernel15Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s143 = s101;
                    a.buffer21[i0] = s143;
                }

                /// <summary>The storage and sizes kernel 16 reads and writes.</summary>
                internal struct Kernel16Args
                {
                    public global::ILGPU.ArrayView<float> buffer22;
                }

                // Kernel 16/32: elementwise (broadcast_to) -> %146 [24]
                // %146 = broadcast_to{shape=24}(%101) : [24]
                internal static void Kernel16(global::ILGPU.Index1D index, Kernel16Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s146 = s101;
                    a.buffer22[i0] = s146;
                }

                /// <summary>The storage and sizes kernel 0 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step0Args
                {
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> slot75;
                }

                // Kernel 0/11: 2 accumulating GEMMs + epilogue (add) -> %76 [N,24]
                // %33 = matmul{transpose_b=true}(%30, %31) : [N,24]
                // %37 = matmul{transpose_b=true}(%24, %35) : [N,24]
                // %58 = add(%33, %37) : [N,24]
                // %76 = add(%58, %75) : [N,24]
                internal static void Kernel17Step0(global::ILGPU.Index1D index, Kernel17Step0Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s58 = a.buffer29[i0 * 24 + i1];
                    float s75 = a.slot75[i1];
                    float s76 = s58 + s75;
                    a.buffer29[i0 * extent1 + i1] = s76;
                }

                /// <summary>The storage and sizes kernel 1 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step1Args
                {
                    public global::ILGPU.ArrayView<float> slot25;
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> slot99;
                    public global::ILGPU.ArrayView<float> slot100;
                    public global::ILGPU.ArrayView<float> buffer30;
                    public global::ILGPU.ArrayView<float> buffer31;
                    public global::ILGPU.ArrayView<float> buffer32;
                    public global::ILGPU.ArrayView<float> buffer33;
                    public global::ILGPU.ArrayView<float> buffer34;
                    public global::ILGPU.ArrayView<float> buffer35;
                    public global::ILGPU.ArrayView<float> output1;
                    public global::ILGPU.ArrayView<float> buffer36;
                    public global::ILGPU.ArrayView<float> buffer37;
                    public global::ILGPU.ArrayView<float> buffer38;
                    public global::ILGPU.ArrayView<float> buffer39;
                }

                // Kernel 1/11: fused loop with 11 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul, mul, square, sub, mul, add, mul, mul, sub, mul, mul, mul, mul, sub, mul, mul, square, sub, mul, sub, mul, mul) -> %78 [N,6], %80 [N,6], %85 [N,6], %88 [N,6], %82 [N,6], %110 [N,6], %112 [N,6], %115 [N,6], %121 [N,6], %126 [N,6], %131 [N,6]
                // %77 = narrow{dim=1;length=6;start=0}(%76) : [N,6]
                // %78 = sigmoid(%77) : [N,6]
                // %79 = narrow{dim=1;length=6;start=12}(%76) : [N,6]
                // %80 = tanh(%79) : [N,6]
                // %81 = narrow{dim=1;length=6;start=18}(%76) : [N,6]
                // %82 = sigmoid(%81) : [N,6]
                // %83 = mul(%78, %80) : [N,6]
                // %84 = narrow{dim=1;length=6;start=6}(%76) : [N,6]
                // %85 = sigmoid(%84) : [N,6]
                // %86 = mul(%85, %25) : [N,6]
                // %87 = add(%86, %83) : [N,6]
                // %88 = tanh(%87) : [N,6]
                // %105 = mul(%99, %88) : [N,6]
                // %106 = mul(%99, %82) : [N,6]
                // %107 = square(%88) : [N,6]
                // %108 = sub(%94, %107) : [N,6]
                // %109 = mul(%106, %108) : [N,6]
                // %110 = add(%100, %109) : [N,6]
                // %111 = mul(%110, %25) : [N,6]
                // %112 = mul(%110, %85) : [N,6]
                // %113 = sub(%94, %85) : [N,6]
                // %114 = mul(%85, %113) : [N,6]
                // %115 = mul(%111, %114) : [N,6]
                // %117 = mul(%110, %80) : [N,6]
                // %118 = mul(%110, %78) : [N,6]
                // %119 = sub(%94, %82) : [N,6]
                // %120 = mul(%82, %119) : [N,6]
                // %121 = mul(%105, %120) : [N,6]
                // %124 = square(%80) : [N,6]
                // %125 = sub(%94, %124) : [N,6]
                // %126 = mul(%118, %125) : [N,6]
                // %129 = sub(%94, %78) : [N,6]
                // %130 = mul(%78, %129) : [N,6]
                // %131 = mul(%117, %130) : [N,6]
                internal static void Kernel17Step1(global::ILGPU.Index1D index, Kernel17Step1Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s94 = 1f;
                    float s25 = a.slot25[i0 * 6 + i1];
                    float s77 = a.buffer29[i0 * 24 + i1];
                    float s79 = a.buffer29[12 + i0 * 24 + i1];
                    float s81 = a.buffer29[18 + i0 * 24 + i1];
                    float s84 = a.buffer29[6 + i0 * 24 + i1];
                    float s99 = a.slot99[i0 * 6 + i1];
                    float s100 = a.slot100[i0 * 6 + i1];
                    float s78 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s77));
                    float s80 = global::ILGPU.Algorithms.XMath.Tanh(s79);
                    float s82 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s81));
                    float s83 = s78 * s80;
                    float s85 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s84));
                    float s86 = s85 * s25;
                    float s87 = s86 + s83;
                    float s88 = global::ILGPU.Algorithms.XMath.Tanh(s87);
                    float s105 = s99 * s88;
                    float s106 = s99 * s82;
                    float s107 = s88 * s88;
                    float s108 = s94 - s107;
                    float s109 = s106 * s108;
                    float s110 = s100 + s109;
                    float s111 = s110 * s25;
                    float s112 = s110 * s85;
                    float s113 = s94 - s85;
                    float s114 = s85 * s113;
                    float s115 = s111 * s114;
                    float s117 = s110 * s80;
                    float s118 = s110 * s78;
                    float s119 = s94 - s82;
                    float s120 = s82 * s119;
                    float s121 = s105 * s120;
                    float s124 = s80 * s80;
                    float s125 = s94 - s124;
                    float s126 = s118 * s125;
                    float s129 = s94 - s78;
                    float s130 = s78 * s129;
                    float s131 = s117 * s130;
                    a.buffer30[i0 * extent1 + i1] = s78;
                    a.buffer31[i0 * extent1 + i1] = s80;
                    a.buffer32[i0 * extent1 + i1] = s85;
                    a.buffer33[i0 * extent1 + i1] = s88;
                    a.buffer34[i0 * extent1 + i1] = s82;
                    a.buffer35[i0 * extent1 + i1] = s110;
                    a.output1[i0 * extent1 + i1] = s112;
                    a.buffer36[i0 * extent1 + i1] = s115;
                    a.buffer37[i0 * extent1 + i1] = s121;
                    a.buffer38[i0 * extent1 + i1] = s126;
                    a.buffer39[i0 * extent1 + i1] = s131;
                }

                /// <summary>The storage and sizes kernel 5 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step5Args
                {
                    public global::ILGPU.ArrayView<float> buffer43;
                    public global::ILGPU.ArrayView<float> buffer40;
                    public global::ILGPU.ArrayView<float> buffer41;
                    public global::ILGPU.ArrayView<float> buffer42;
                    public global::ILGPU.ArrayView<float> buffer44;
                    public int dim_N;
                }

                // Kernel 5/11: narrow_backward + epilogue (add, add, add, sum) -> %133 [N,24], %134 [24]
                // %116 = narrow_backward{dim=1;length=6;size=24;start=6}(%115) : [N,24]
                // %123 = add(%116, %122) : [N,24]
                // %128 = add(%123, %127) : [N,24]
                // %133 = add(%128, %132) : [N,24]
                // %134 = sum{dims=0;keep_dim=false}(%133) : [24]
                internal static void Kernel17Step5(global::ILGPU.Index1D index, Kernel17Step5Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator134 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s116 = a.buffer43[i0 * 24 + i1];
                        float s122 = a.buffer40[i0 * 24 + i1];
                        float s127 = a.buffer41[i0 * 24 + i1];
                        float s132 = a.buffer42[i0 * 24 + i1];
                        float s123 = s116 + s122;
                        float s128 = s123 + s127;
                        float s133 = s128 + s132;
                        a.buffer43[i0 * extent1 + i1] = s133;
                        accumulator134 += s133;
                    }
                    a.buffer44[i1] = accumulator134;
                }

                /// <summary>The storage and sizes kernel 8 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step8Args
                {
                    public global::ILGPU.ArrayView<float> output2;
                    public global::ILGPU.ArrayView<float> slot139;
                }

                // Kernel 8/11: GEMM + epilogue (add) -> %141 [24,5]
                // %138 = matmul{transpose_a=true}(%133, %30) : [24,5]
                // %141 = add(%139, %138) : [24,5]
                internal static void Kernel17Step8(global::ILGPU.Index1D index, Kernel17Step8Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s138 = a.output2[i0];
                    float s139 = a.slot139[i0];
                    float s141 = s139 + s138;
                    a.output2[i0] = s141;
                }

                /// <summary>The storage and sizes kernel 9 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step9Args
                {
                    public global::ILGPU.ArrayView<float> output3;
                    public global::ILGPU.ArrayView<float> slot142;
                }

                // Kernel 9/11: GEMM + epilogue (add) -> %144 [24,6]
                // %136 = matmul{transpose_a=true}(%133, %24) : [24,6]
                // %144 = add(%142, %136) : [24,6]
                internal static void Kernel17Step9(global::ILGPU.Index1D index, Kernel17Step9Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s136 = a.output3[i0];
                    float s142 = a.slot142[i0];
                    float s144 = s142 + s136;
                    a.output3[i0] = s144;
                }

                /// <summary>The storage and sizes kernel 10 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step10Args
                {
                    public global::ILGPU.ArrayView<float> buffer44;
                    public global::ILGPU.ArrayView<float> slot145;
                    public global::ILGPU.ArrayView<float> output4;
                }

                // Kernel 10/11: elementwise (add) -> %147 [24]
                // %147 = add(%145, %134) : [24]
                internal static void Kernel17Step10(global::ILGPU.Index1D index, Kernel17Step10Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s134 = a.buffer44[i0];
                    float s145 = a.slot145[i0];
                    float s147 = s145 + s134;
                    a.output4[i0] = s147;
                }

                /// <summary>The storage and sizes kernel 19 reads and writes.</summary>
                internal struct Kernel19Args
                {
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> buffer4;
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> buffer25;
                    public global::ILGPU.ArrayView<float> buffer51;
                    public global::ILGPU.ArrayView<float> buffer52;
                    public global::ILGPU.ArrayView<float> buffer53;
                }

                // Kernel 19/32: fused loop with 3 outputs (mul, square, sub, mul, add, mul, mul, square, sub, mul, sub, mul, mul) -> %161 [N,6], %170 [N,6], %175 [N,6]
                // %157 = mul(%148, %20) : [N,6]
                // %158 = square(%22) : [N,6]
                // %159 = sub(%94, %158) : [N,6]
                // %160 = mul(%157, %159) : [N,6]
                // %161 = add(%149, %160) : [N,6]
                // %162 = mul(%161, %18) : [N,6]
                // %163 = mul(%161, %16) : [N,6]
                // %168 = square(%18) : [N,6]
                // %169 = sub(%94, %168) : [N,6]
                // %170 = mul(%163, %169) : [N,6]
                // %173 = sub(%94, %16) : [N,6]
                // %174 = mul(%16, %173) : [N,6]
                // %175 = mul(%162, %174) : [N,6]
                internal static void Kernel19(global::ILGPU.Index1D index, Kernel19Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s94 = 1f;
                    float s16 = a.buffer3[i0];
                    float s18 = a.buffer4[i0];
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s148 = a.buffer24[i0];
                    float s149 = a.buffer25[i0];
                    float s157 = s148 * s20;
                    float s158 = s22 * s22;
                    float s159 = s94 - s158;
                    float s160 = s157 * s159;
                    float s161 = s149 + s160;
                    float s162 = s161 * s18;
                    float s163 = s161 * s16;
                    float s168 = s18 * s18;
                    float s169 = s94 - s168;
                    float s170 = s163 * s169;
                    float s173 = s94 - s16;
                    float s174 = s16 * s173;
                    float s175 = s162 * s174;
                    a.buffer51[i0] = s161;
                    a.buffer52[i0] = s170;
                    a.buffer53[i0] = s175;
                }

                /// <summary>The storage and sizes kernel 20 reads and writes.</summary>
                internal struct Kernel20Args
                {
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> buffer54;
                }

                // Kernel 20/32: fused elementwise (mul, sub, mul, mul) -> %166 [N,6]
                // %156 = mul(%148, %22) : [N,6]
                // %164 = sub(%94, %20) : [N,6]
                // %165 = mul(%20, %164) : [N,6]
                // %166 = mul(%156, %165) : [N,6]
                internal static void Kernel20(global::ILGPU.Index1D index, Kernel20Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s94 = 1f;
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s148 = a.buffer24[i0];
                    float s156 = s148 * s22;
                    float s164 = s94 - s20;
                    float s165 = s20 * s164;
                    float s166 = s156 * s165;
                    a.buffer54[i0] = s166;
                }

                /// <summary>The storage and sizes kernel 23 reads and writes.</summary>
                internal struct Kernel23Args
                {
                    public global::ILGPU.ArrayView<float> buffer57;
                    public global::ILGPU.ArrayView<float> buffer55;
                    public global::ILGPU.ArrayView<float> buffer56;
                    public global::ILGPU.ArrayView<float> buffer58;
                    public int dim_N;
                }

                // Kernel 23/32: narrow_backward + epilogue (add, add, sum) -> %177 [N,24], %178 [24]
                // %167 = narrow_backward{dim=1;length=6;size=24;start=18}(%166) : [N,24]
                // %172 = add(%167, %171) : [N,24]
                // %177 = add(%172, %176) : [N,24]
                // %178 = sum{dims=0;keep_dim=false}(%177) : [24]
                internal static void Kernel23(global::ILGPU.Index1D index, Kernel23Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator178 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s167 = a.buffer57[i0 * 24 + i1];
                        float s171 = a.buffer55[i0 * 24 + i1];
                        float s176 = a.buffer56[i0 * 24 + i1];
                        float s172 = s167 + s171;
                        float s177 = s172 + s176;
                        a.buffer57[i0 * extent1 + i1] = s177;
                        accumulator178 += s177;
                    }
                    a.buffer58[i1] = accumulator178;
                }

                /// <summary>The storage and sizes kernel 24 reads and writes.</summary>
                internal struct Kernel24Args
                {
                    public global::ILGPU.ArrayView<float> buffer28;
                    public global::ILGPU.ArrayView<float> buffer58;
                    public global::ILGPU.ArrayView<float> grad2;
                    public global::ILGPU.ArrayView<float> grad3;
                }

                // Kernel 24/32: fused loop with 2 outputs (add, copy) -> %179 [24], %187 [24]
                // %179 = add(%152, %178) : [24]
                // %187 = copy{gradient_of=3}(%179) : [24]
                internal static void Kernel24(global::ILGPU.Index1D index, Kernel24Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s152 = a.buffer28[i0];
                    float s178 = a.buffer58[i0];
                    float s179 = s152 + s178;
                    float s187 = s179;
                    a.grad2[i0] += s179;
                    a.grad3[i0] += s187;
                }

                /// <summary>The storage and sizes kernel 27 reads and writes.</summary>
                internal struct Kernel27Args
                {
                    public global::ILGPU.ArrayView<float> buffer26;
                    public global::ILGPU.ArrayView<float> buffer60;
                    public global::ILGPU.ArrayView<float> grad1;
                }

                // Kernel 27/32: elementwise (add) -> %182 [24,5]
                // %182 = add(%150, %181) : [24,5]
                internal static void Kernel27(global::ILGPU.Index1D index, Kernel27Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s150 = a.buffer26[i0];
                    float s181 = a.buffer60[i0];
                    float s182 = s150 + s181;
                    a.grad1[i0] += s182;
                }

                /// <summary>The storage and sizes kernel 29 reads and writes.</summary>
                internal struct Kernel29Args
                {
                    public global::ILGPU.ArrayView<float> buffer62;
                    public global::ILGPU.ArrayView<float> buffer61;
                }

                // Kernel 29/32: narrow_backward + epilogue (add) -> %185 [N,4,5]
                // %155 = narrow_backward{dim=1;length=3;size=4;start=1}(%154) : [N,4,5]
                // %185 = add(%155, %184) : [N,4,5]
                internal static void Kernel29(global::ILGPU.Index1D index, Kernel29Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s155 = a.buffer62[i0];
                    float s184 = a.buffer61[i0];
                    float s185 = s155 + s184;
                    a.buffer62[i0] = s185;
                }

                /// <summary>The storage and sizes kernel 31 reads and writes.</summary>
                internal struct Kernel31Args
                {
                    public global::ILGPU.ArrayView<float> buffer27;
                    public global::ILGPU.ArrayView<float> grad4;
                }

                // Kernel 31/32: elementwise (copy) -> %188 [24,6]
                // %188 = copy{gradient_of=4}(%151) : [24,6]
                internal static void Kernel31(global::ILGPU.Index1D index, Kernel31Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s151 = a.buffer27[i0];
                    float s188 = s151;
                    a.grad4[i0] += s188;
                }
            }

