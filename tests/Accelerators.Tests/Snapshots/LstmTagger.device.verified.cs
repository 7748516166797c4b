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
                    : base(device, optimizer, graph, "Kiln.Integration.Tests.Models.LstmTagger.Loss", 1, new global::Kiln.Tensor?[] { graph.model.embedding.Weight, graph.model.cell.WeightIh, graph.model.cell.BiasIh!, graph.model.cell.BiasHh!, graph.model.cell.WeightHh, graph.model.head.Weight, graph.model.head.Bias! }, new bool[] { true, true, true, true, true, true, true }, 2, new LossDeviceProgram(), null, graph.model)
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

                    // Kernel 7/32: elementwise (broadcast_to) -> %102 [N,6]
                    step.Launch(LossDeviceKernels.Kernel7, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel7Args { buffer12 = step.Arena(12) });

                    // Kernel 8/32: elementwise (broadcast_to) -> %140 [24,5]
                    step.Launch(LossDeviceKernels.Kernel8, (120), new LossDeviceKernels.Kernel8Args { buffer13 = step.Arena(13) });

                    // Kernel 9/32: elementwise (broadcast_to) -> %143 [24,6]
                    step.Launch(LossDeviceKernels.Kernel9, (144), new LossDeviceKernels.Kernel9Args { buffer14 = step.Arena(14) });

                    // Kernel 10/32: elementwise (broadcast_to) -> %146 [24]
                    step.Launch(LossDeviceKernels.Kernel10, (24), new LossDeviceKernels.Kernel10Args { buffer15 = step.Arena(15) });

                    // Kernel 11/32: loop over 3 steps, its body 2 kernel(s) -> %239 [N,6], %148 [3,N,6], %149 [3,N,6], %151 [3,N,6], %153 [3,N,6], %155 [3,N,6], %157 [3,N,6], %159 [3,N,6]
                    {
                        // %148 = scan{body=2;output=0;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %149 = scan{body=2;output=1;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %151 = scan{body=2;output=2;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %153 = scan{body=2;output=3;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %155 = scan{body=2;output=4;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %157 = scan{body=2;output=5;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %159 = scan{body=2;output=6;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [3,N,6]
                        // %239 = scan{body=2;output=0;reverse=false;shape=N,6;stacked=false;steps=3}(%23, %21, %27, %3, %4, %6, %5, %74) : [N,6]
                        int loop11Steps = 3;
                        for (int loop11Step = 0; loop11Step < loop11Steps; loop11Step++)
                        {
                            int loop11Time = loop11Step;
                            global::ILGPU.ArrayView<float> loop11Out0 = step.Arena(17).SubView((loop11Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Out1 = step.Arena(18).SubView((loop11Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Out2 = step.Arena(19).SubView((loop11Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Out3 = step.Arena(20).SubView((loop11Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Out4 = step.Arena(21).SubView((loop11Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Out5 = step.Arena(22).SubView((loop11Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Out6 = step.Arena(23).SubView((loop11Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Slot24 = loop11Step == 0 ? step.Arena(8) : step.Arena(17).SubView((loop11Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Slot25 = loop11Step == 0 ? step.Arena(5) : step.Arena(18).SubView((loop11Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop11Slot28 = step.Arena(10).SubView((loop11Time) * (step.Symbol(0) * 5), (step.Symbol(0) * 5));

                            // Kernel 0/2: 2 accumulating GEMMs + epilogue (add) -> %76 [N,24]
                            step.Library.Gemm(step.Graph, loop11Slot28, step.Capture(1), step.Arena(24), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                            step.Library.Gemm(step.Graph, loop11Slot24, step.Capture(4), step.Arena(24), step.Symbol(0), 24, 6, transposeA: false, transposeB: true, accumulate: true);
                            step.Launch(LossDeviceKernels.Kernel11Step0, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel11Step0Args { buffer24 = step.Arena(24), slot75 = step.Arena(11) });

                            // Kernel 1/2: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %78 [N,6], %80 [N,6], %85 [N,6], %87 [N,6], %88 [N,6], %82 [N,6], %89 [N,6]
                            step.Launch(LossDeviceKernels.Kernel11Step1, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel11Step1Args { slot25 = loop11Slot25, buffer24 = step.Arena(24), output2 = loop11Out2, output3 = loop11Out3, output5 = loop11Out5, output1 = loop11Out1, output6 = loop11Out6, output4 = loop11Out4, output0 = loop11Out0 });
                        }
                        step.Library.Copy(step.Arena(17).SubView((loop11Steps - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6)), step.Arena(16));
                    }

                    // Kernel 12/32: GEMM + epilogue (add) -> %241 [N,3]
                    step.Library.Gemm(step.Graph, step.Arena(16), step.Capture(5), step.Arena(25), step.Symbol(0), 3, 6, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel12, (step.Symbol(0)) * (3), new LossDeviceKernels.Kernel12Args { capture6 = step.Capture(6), buffer25 = step.Arena(25) });

                    // Kernel 13/32: cross_entropy + cross_entropy_backward (one pass) -> %242 [], %243 [N,3]
                    step.Library.CrossEntropy(step.Graph, step.Arena(25), step.IntInput(1), step.Symbol(0), 3, loss: step.Result, upstream: step.One, upstreamScale: 1f, gradient: step.Arena(26));

                    // Kernel 14/32: sum over [N,3] -> %244 [3]
                    step.Launch(LossDeviceKernels.Kernel14, (3), new LossDeviceKernels.Kernel14Args { buffer26 = step.Arena(26), grad6 = step.Gradient(6), dim_N = step.Symbol(0) });

                    // Kernel 15/32: GEMM -> %245 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(26), step.Capture(5), step.Arena(27), step.Symbol(0), 6, 3, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 16/32: GEMM Aᵀ -> %246 [3,6]
                    step.Library.Gemm(step.Graph, step.Arena(26), step.Arena(16), step.Gradient(5), 3, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 17/32: loop over 3 steps in reverse, its body 11 kernel(s) -> %252 [3,N,5], %247 [N,6], %248 [N,6], %249 [24,5], %250 [24,6], %251 [24]
                    {
                        // %247 = scan{body=3;output=0;reverse=true;shape=N,6;stacked=false;steps=3}(%245, %102, %23, %148, %21, %149, %27, %3, %6, %140, %143, %146, %151, %153, %155, %157, %159) : [N,6]
                        // %248 = scan{body=3;output=1;reverse=true;shape=N,6;stacked=false;steps=3}(%245, %102, %23, %148, %21, %149, %27, %3, %6, %140, %143, %146, %151, %153, %155, %157, %159) : [N,6]
                        // %249 = scan{body=3;output=2;reverse=true;shape=24,5;stacked=false;steps=3}(%245, %102, %23, %148, %21, %149, %27, %3, %6, %140, %143, %146, %151, %153, %155, %157, %159) : [24,5]
                        // %250 = scan{body=3;output=3;reverse=true;shape=24,6;stacked=false;steps=3}(%245, %102, %23, %148, %21, %149, %27, %3, %6, %140, %143, %146, %151, %153, %155, %157, %159) : [24,6]
                        // %251 = scan{body=3;output=4;reverse=true;shape=24;stacked=false;steps=3}(%245, %102, %23, %148, %21, %149, %27, %3, %6, %140, %143, %146, %151, %153, %155, %157, %159) : [24]
                        // %252 = scan{body=3;output=5;reverse=true;shape=3,N,5;stacked=true;steps=3}(%245, %102, %23, %148, %21, %149, %27, %3, %6, %140, %143, %146, %151, %153, %155, %157, %159) : [3,N,5]
                        int loop17Steps = 3;
                        for (int loop17Step = 0; loop17Step < loop17Steps; loop17Step++)
                        {
                            int loop17Time = loop17Steps - 1 - loop17Step;
                            global::ILGPU.ArrayView<float> loop17Out0 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(29) : step.Arena(44);
                            global::ILGPU.ArrayView<float> loop17Out1 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(30) : step.Arena(45);
                            global::ILGPU.ArrayView<float> loop17Out2 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(31) : step.Arena(46);
                            global::ILGPU.ArrayView<float> loop17Out3 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(32) : step.Arena(47);
                            global::ILGPU.ArrayView<float> loop17Out4 = ((loop17Steps - 1 - loop17Step) & 1) == 0 ? step.Arena(33) : step.Arena(48);
                            global::ILGPU.ArrayView<float> loop17Out5 = step.Arena(28).SubView((loop17Time) * (step.Symbol(0) * 5), (step.Symbol(0) * 5));
                            global::ILGPU.ArrayView<float> loop17Slot99 = loop17Step == 0 ? step.Arena(27) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(29) : step.Arena(44));
                            global::ILGPU.ArrayView<float> loop17Slot100 = loop17Step == 0 ? step.Arena(12) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(30) : step.Arena(45));
                            global::ILGPU.ArrayView<float> loop17Slot139 = loop17Step == 0 ? step.Arena(13) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(31) : step.Arena(46));
                            global::ILGPU.ArrayView<float> loop17Slot142 = loop17Step == 0 ? step.Arena(14) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(32) : step.Arena(47));
                            global::ILGPU.ArrayView<float> loop17Slot145 = loop17Step == 0 ? step.Arena(15) : (((loop17Steps - loop17Step) & 1) == 0 ? step.Arena(33) : step.Arena(48));
                            global::ILGPU.ArrayView<float> loop17Slot24 = loop17Time == 0 ? step.Arena(8) : step.Arena(17).SubView((loop17Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot25 = loop17Time == 0 ? step.Arena(5) : step.Arena(18).SubView((loop17Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot28 = step.Arena(10).SubView((loop17Time) * (step.Symbol(0) * 5), (step.Symbol(0) * 5));
                            global::ILGPU.ArrayView<float> loop17Slot150 = step.Arena(19).SubView((loop17Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot152 = step.Arena(20).SubView((loop17Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot154 = step.Arena(21).SubView((loop17Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot156 = step.Arena(22).SubView((loop17Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop17Slot158 = step.Arena(23).SubView((loop17Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));

                            // Kernel 0/11: fused loop with 5 outputs (mul, square, sub, mul, add, mul, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %168 [N,6], %170 [N,6], %173 [N,6], %184 [N,6], %189 [N,6]
                            step.Launch(LossDeviceKernels.Kernel17Step0, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel17Step0Args { slot25 = loop17Slot25, slot99 = loop17Slot99, slot100 = loop17Slot100, slot150 = loop17Slot150, slot152 = loop17Slot152, slot154 = loop17Slot154, slot156 = loop17Slot156, slot158 = loop17Slot158, buffer34 = step.Arena(34), output1 = loop17Out1, buffer35 = step.Arena(35), buffer36 = step.Arena(36), buffer37 = step.Arena(37) });

                            // Kernel 1/11: fused elementwise (mul, sub, mul, mul) -> %179 [N,6]
                            step.Launch(LossDeviceKernels.Kernel17Step1, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel17Step1Args { slot99 = loop17Slot99, slot154 = loop17Slot154, slot158 = loop17Slot158, buffer38 = step.Arena(38) });

                            // Kernel 2/11: narrow_backward -> %180 [N,24]
                            step.Library.Clear(step.Arena(39));
                            step.Library.CopyBlocks(step.Graph, step.Arena(38), 6, 0, step.Arena(39), 24, 18, step.Symbol(0), 6);

                            // Kernel 3/11: narrow_backward -> %185 [N,24]
                            step.Library.Clear(step.Arena(40));
                            step.Library.CopyBlocks(step.Graph, step.Arena(36), 6, 0, step.Arena(40), 24, 12, step.Symbol(0), 6);

                            // Kernel 4/11: narrow_backward -> %190 [N,24]
                            step.Library.Clear(step.Arena(41));
                            step.Library.CopyBlocks(step.Graph, step.Arena(37), 6, 0, step.Arena(41), 24, 0, step.Symbol(0), 6);

                            // Kernel 5/11: narrow_backward + epilogue (add, add, add, sum) -> %191 [N,24], %192 [24]
                            step.Library.Clear(step.Arena(42));
                            step.Library.CopyBlocks(step.Graph, step.Arena(35), 6, 0, step.Arena(42), 24, 6, step.Symbol(0), 6);
                            step.Launch(LossDeviceKernels.Kernel17Step5, (24), new LossDeviceKernels.Kernel17Step5Args { buffer42 = step.Arena(42), buffer39 = step.Arena(39), buffer40 = step.Arena(40), buffer41 = step.Arena(41), buffer43 = step.Arena(43), dim_N = step.Symbol(0) });

                            // Kernel 6/11: GEMM -> %193 [N,6]
                            step.Library.Gemm(step.Graph, step.Arena(42), step.Capture(4), loop17Out0, step.Symbol(0), 6, 24, transposeA: false, transposeB: false, accumulate: false);

                            // Kernel 7/11: GEMM -> %195 [N,5]
                            step.Library.Gemm(step.Graph, step.Arena(42), step.Capture(1), loop17Out5, step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                            // Kernel 8/11: GEMM + epilogue (add) -> %197 [24,5]
                            step.Library.Gemm(step.Graph, step.Arena(42), loop17Slot28, loop17Out2, 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: false);
                            step.Launch(LossDeviceKernels.Kernel17Step8, (120), new LossDeviceKernels.Kernel17Step8Args { slot139 = loop17Slot139, output2 = loop17Out2 });

                            // Kernel 9/11: GEMM + epilogue (add) -> %198 [24,6]
                            step.Library.Gemm(step.Graph, step.Arena(42), loop17Slot24, loop17Out3, 24, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: false);
                            step.Launch(LossDeviceKernels.Kernel17Step9, (144), new LossDeviceKernels.Kernel17Step9Args { slot142 = loop17Slot142, output3 = loop17Out3 });

                            // Kernel 10/11: elementwise (add) -> %199 [24]
                            step.Launch(LossDeviceKernels.Kernel17Step10, (24), new LossDeviceKernels.Kernel17Step10Args { slot145 = loop17Slot145, buffer43 = step.Arena(43), output4 = loop17Out4 });
                        }
                    }

                    // Kernel 18/32: transpose -> %253 [N,3,5]
                    step.Library.SwapAxes(step.Graph, step.Arena(28), step.Arena(49), 1, 3, 1, step.Symbol(0), 5);

                    // Kernel 19/32: fused loop with 3 outputs (square, sub, square, sub, sub, mul, mul, mul, add, mul, mul, mul, mul) -> %258 [N,6], %263 [N,6], %266 [N,6]
                    step.Launch(LossDeviceKernels.Kernel19, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel19Args { buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer29 = step.Arena(29), buffer30 = step.Arena(30), buffer50 = step.Arena(50), buffer51 = step.Arena(51), buffer52 = step.Arena(52) });

                    // Kernel 20/32: fused elementwise (sub, mul, mul, mul) -> %261 [N,6]
                    step.Launch(LossDeviceKernels.Kernel20, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel20Args { buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer29 = step.Arena(29), buffer53 = step.Arena(53) });

                    // Kernel 21/32: narrow_backward -> %264 [N,24]
                    step.Library.Clear(step.Arena(54));
                    step.Library.CopyBlocks(step.Graph, step.Arena(51), 6, 0, step.Arena(54), 24, 12, step.Symbol(0), 6);

                    // Kernel 22/32: narrow_backward -> %267 [N,24]
                    step.Library.Clear(step.Arena(55));
                    step.Library.CopyBlocks(step.Graph, step.Arena(52), 6, 0, step.Arena(55), 24, 0, step.Symbol(0), 6);

                    // Kernel 23/32: narrow_backward + epilogue (add, add, sum) -> %268 [N,24], %269 [24]
                    step.Library.Clear(step.Arena(56));
                    step.Library.CopyBlocks(step.Graph, step.Arena(53), 6, 0, step.Arena(56), 24, 18, step.Symbol(0), 6);
                    step.Launch(LossDeviceKernels.Kernel23, (24), new LossDeviceKernels.Kernel23Args { buffer56 = step.Arena(56), buffer54 = step.Arena(54), buffer55 = step.Arena(55), buffer57 = step.Arena(57), dim_N = step.Symbol(0) });

                    // Kernel 24/32: fused loop with 2 outputs (add, copy) -> %270 [24], %278 [24]
                    step.Launch(LossDeviceKernels.Kernel24, (24), new LossDeviceKernels.Kernel24Args { buffer33 = step.Arena(33), buffer57 = step.Arena(57), grad2 = step.Gradient(2), grad3 = step.Gradient(3) });

                    // Kernel 25/32: GEMM -> %271 [N,5]
                    step.Library.Gemm(step.Graph, step.Arena(56), step.Capture(1), step.Arena(58), step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 26/32: GEMM Aᵀ -> %272 [24,5]
                    step.Library.Gemm(step.Graph, step.Arena(56), step.Arena(1), step.Arena(59), 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: false);

                    // Kernel 27/32: elementwise (add) -> %273 [24,5]
                    step.Launch(LossDeviceKernels.Kernel27, (120), new LossDeviceKernels.Kernel27Args { buffer31 = step.Arena(31), buffer59 = step.Arena(59), grad1 = step.Gradient(1) });

                    // Kernel 28/32: narrow_backward -> %275 [N,4,5]
                    step.Library.Clear(step.Arena(60));
                    step.Library.CopyBlocks(step.Graph, step.Arena(58), 5, 0, step.Arena(60), 20, 0, step.Symbol(0), 5);

                    // Kernel 29/32: narrow_backward + epilogue (add) -> %276 [N,4,5]
                    step.Library.Clear(step.Arena(61));
                    step.Library.CopyBlocks(step.Graph, step.Arena(49), 15, 0, step.Arena(61), 20, 5, step.Symbol(0), 15);
                    step.Launch(LossDeviceKernels.Kernel29, ((step.Symbol(0) * 20)), new LossDeviceKernels.Kernel29Args { buffer61 = step.Arena(61), buffer60 = step.Arena(60) });

                    // Kernel 30/32: embedding_backward -> %277 [20,5]
                    step.Library.ScatterAdd(step.Graph, step.Arena(61), step.IntInput(0), 5, step.Gradient(0), -1, (step.Symbol(0) * 4));

                    // Kernel 31/32: elementwise (copy) -> %279 [24,6]
                    step.Launch(LossDeviceKernels.Kernel31, (144), new LossDeviceKernels.Kernel31Args { buffer32 = step.Arena(32), grad4 = step.Gradient(4) });
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

                /// <summary>The storage and sizes kernel 7 reads and writes.</summary>
                internal struct Kernel7Args
                {
                    public global::ILGPU.ArrayView<float> buffer12;
                }

                // Kernel 7/32: elementwise (broadcast_to) -> %102 [N,6]
                // %102 = broadcast_to{shape=N,6}(%101) : [N,6]
                internal static void Kernel7(global::ILGPU.Index1D index, Kernel7Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s102 = s101;
                    a.buffer12[i0] = s102;
                }

                /// <summary>The storage and sizes kernel 8 reads and writes.</summary>
                internal struct Kernel8Args
                {
                    public global::ILGPU.ArrayView<float> buffer13;
                }

                // Kernel 8/32: elementwise (broadcast_to) -> %140 [24,5]
                // %140 = broadcast_to{shape=24,5}(%101) : [24,5]
                internal static void Kernel8(global::ILGPU.Index1D index, Kernel8Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s140 = s101;
                    a.buffer13[i0] = s140;
                }

                /// <summary>The storage and sizes kernel 9 reads and writes.</summary>
                internal struct Kernel9Args
                {
                    public global::ILGPU.ArrayView<float> buffer14;
                }

                // Kernel 9/32: elementwise (broadcast_to) -> %143 [24,6]
                // %143 = broadcast_to{shape=24,6}(%101) : [24,6]
                internal static void Kernel9(global::ILGPU.Index1D index, Kernel9Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s143 = s101;
                    a.buffer14[i0] = s143;
                }

                /// <summary>The storage and sizes kernel 10 reads and writes.</summary>
                internal struct Kernel10Args
                {
                    public global::ILGPU.ArrayView<float> buffer15;
                }

                // Kernel 10/32: elementwise (broadcast_to) -> %146 [24]
                // %146 = broadcast_to{shape=24}(%101) : [24]
                internal static void Kernel10(global::ILGPU.Index1D index, Kernel10Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s101 = 0f;
                    float s146 = s101;
                    a.buffer15[i0] = s146;
                }

                /// <summary>The storage and sizes kernel 0 of the steps of kernel 11 reads and writes.</summary>
                internal struct Kernel11Step0Args
                {
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> slot75;
                }

                // Kernel 0/2: 2 accumulating GEMMs + epilogue (add) -> %76 [N,24]
                // %33 = matmul{transpose_b=true}(%30, %31) : [N,24]
                // %37 = matmul{transpose_b=true}(%24, %35) : [N,24]
                // %58 = add(%33, %37) : [N,24]
                // %76 = add(%58, %75) : [N,24]
                internal static void Kernel11Step0(global::ILGPU.Index1D index, Kernel11Step0Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s58 = a.buffer24[i0 * 24 + i1];
                    float s75 = a.slot75[i1];
                    float s76 = s58 + s75;
                    a.buffer24[i0 * extent1 + i1] = s76;
                }

                /// <summary>The storage and sizes kernel 1 of the steps of kernel 11 reads and writes.</summary>
                internal struct Kernel11Step1Args
                {
                    public global::ILGPU.ArrayView<float> slot25;
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> output2;
                    public global::ILGPU.ArrayView<float> output3;
                    public global::ILGPU.ArrayView<float> output5;
                    public global::ILGPU.ArrayView<float> output1;
                    public global::ILGPU.ArrayView<float> output6;
                    public global::ILGPU.ArrayView<float> output4;
                    public global::ILGPU.ArrayView<float> output0;
                }

                // Kernel 1/2: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %78 [N,6], %80 [N,6], %85 [N,6], %87 [N,6], %88 [N,6], %82 [N,6], %89 [N,6]
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
                internal static void Kernel11Step1(global::ILGPU.Index1D index, Kernel11Step1Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s25 = a.slot25[i0 * 6 + i1];
                    float s77 = a.buffer24[i0 * 24 + i1];
                    float s79 = a.buffer24[12 + i0 * 24 + i1];
                    float s81 = a.buffer24[18 + i0 * 24 + i1];
                    float s84 = a.buffer24[6 + i0 * 24 + i1];
                    float s78 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s77));
                    float s80 = global::ILGPU.Algorithms.XMath.Tanh(s79);
                    float s82 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s81));
                    float s83 = s78 * s80;
                    float s85 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s84));
                    float s86 = s85 * s25;
                    float s87 = s86 + s83;
                    float s88 = global::ILGPU.Algorithms.XMath.Tanh(s87);
                    float s89 = s82 * s88;
                    a.output2[i0 * extent1 + i1] = s78;
                    a.output3[i0 * extent1 + i1] = s80;
                    a.output5[i0 * extent1 + i1] = s85;
                    a.output1[i0 * extent1 + i1] = s87;
                    a.output6[i0 * extent1 + i1] = s88;
                    a.output4[i0 * extent1 + i1] = s82;
                    a.output0[i0 * extent1 + i1] = s89;
                }

                /// <summary>The storage and sizes kernel 12 reads and writes.</summary>
                internal struct Kernel12Args
                {
                    public global::ILGPU.ArrayView<float> capture6;
                    public global::ILGPU.ArrayView<float> buffer25;
                }

                // Kernel 12/32: GEMM + epilogue (add) -> %241 [N,3]
                // %240 = matmul{transpose_b=true}(%239, %7) : [N,3]
                // %241 = add(%240, %8) : [N,3]
                internal static void Kernel12(global::ILGPU.Index1D index, Kernel12Args a)
                {
                    int extent1 = 3;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s8 = a.capture6[i1];
                    float s240 = a.buffer25[i0 * 3 + i1];
                    float s241 = s240 + s8;
                    a.buffer25[i0 * extent1 + i1] = s241;
                }

                /// <summary>The storage and sizes kernel 14 reads and writes.</summary>
                internal struct Kernel14Args
                {
                    public global::ILGPU.ArrayView<float> buffer26;
                    public global::ILGPU.ArrayView<float> grad6;
                    public int dim_N;
                }

                // Kernel 14/32: sum over [N,3] -> %244 [3]
                // %244 = sum{dims=0;keep_dim=false}(%243) : [3]
                internal static void Kernel14(global::ILGPU.Index1D index, Kernel14Args a)
                {
                    int extent0 = a.dim_N;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator244 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s243 = a.buffer26[i0 * 3 + i1];
                        accumulator244 += s243;
                    }
                    a.grad6[i1] += accumulator244;
                }

                /// <summary>The storage and sizes kernel 0 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step0Args
                {
                    public global::ILGPU.ArrayView<float> slot25;
                    public global::ILGPU.ArrayView<float> slot99;
                    public global::ILGPU.ArrayView<float> slot100;
                    public global::ILGPU.ArrayView<float> slot150;
                    public global::ILGPU.ArrayView<float> slot152;
                    public global::ILGPU.ArrayView<float> slot154;
                    public global::ILGPU.ArrayView<float> slot156;
                    public global::ILGPU.ArrayView<float> slot158;
                    public global::ILGPU.ArrayView<float> buffer34;
                    public global::ILGPU.ArrayView<float> output1;
                    public global::ILGPU.ArrayView<float> buffer35;
                    public global::ILGPU.ArrayView<float> buffer36;
                    public global::ILGPU.ArrayView<float> buffer37;
                }

                // Kernel 0/11: fused loop with 5 outputs (mul, square, sub, mul, add, mul, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %168 [N,6], %170 [N,6], %173 [N,6], %184 [N,6], %189 [N,6]
                // %164 = mul(%99, %154) : [N,6]
                // %165 = square(%158) : [N,6]
                // %166 = sub(%94, %165) : [N,6]
                // %167 = mul(%164, %166) : [N,6]
                // %168 = add(%100, %167) : [N,6]
                // %169 = mul(%168, %25) : [N,6]
                // %170 = mul(%168, %156) : [N,6]
                // %171 = sub(%94, %156) : [N,6]
                // %172 = mul(%156, %171) : [N,6]
                // %173 = mul(%169, %172) : [N,6]
                // %175 = mul(%168, %152) : [N,6]
                // %176 = mul(%168, %150) : [N,6]
                // %182 = square(%152) : [N,6]
                // %183 = sub(%94, %182) : [N,6]
                // %184 = mul(%176, %183) : [N,6]
                // %187 = sub(%94, %150) : [N,6]
                // %188 = mul(%150, %187) : [N,6]
                // %189 = mul(%175, %188) : [N,6]
                internal static void Kernel17Step0(global::ILGPU.Index1D index, Kernel17Step0Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s94 = 1f;
                    float s25 = a.slot25[i0];
                    float s99 = a.slot99[i0];
                    float s100 = a.slot100[i0];
                    float s150 = a.slot150[i0];
                    float s152 = a.slot152[i0];
                    float s154 = a.slot154[i0];
                    float s156 = a.slot156[i0];
                    float s158 = a.slot158[i0];
                    float s164 = s99 * s154;
                    float s165 = s158 * s158;
                    float s166 = s94 - s165;
                    float s167 = s164 * s166;
                    float s168 = s100 + s167;
                    float s169 = s168 * s25;
                    float s170 = s168 * s156;
                    float s171 = s94 - s156;
                    float s172 = s156 * s171;
                    float s173 = s169 * s172;
                    float s175 = s168 * s152;
                    float s176 = s168 * s150;
                    float s182 = s152 * s152;
                    float s183 = s94 - s182;
                    float s184 = s176 * s183;
                    float s187 = s94 - s150;
                    float s188 = s150 * s187;
                    float s189 = s175 * s188;
                    a.buffer34[i0] = s168;
                    a.output1[i0] = s170;
                    a.buffer35[i0] = s173;
                    a.buffer36[i0] = s184;
                    a.buffer37[i0] = s189;
                }

                /// <summary>The storage and sizes kernel 1 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step1Args
                {
                    public global::ILGPU.ArrayView<float> slot99;
                    public global::ILGPU.ArrayView<float> slot154;
                    public global::ILGPU.ArrayView<float> slot158;
                    public global::ILGPU.ArrayView<float> buffer38;
                }

                // Kernel 1/11: fused elementwise (mul, sub, mul, mul) -> %179 [N,6]
                // %163 = mul(%99, %158) : [N,6]
                // %177 = sub(%94, %154) : [N,6]
                // %178 = mul(%154, %177) : [N,6]
                // %179 = mul(%163, %178) : [N,6]
                internal static void Kernel17Step1(global::ILGPU.Index1D index, Kernel17Step1Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s94 = 1f;
                    float s99 = a.slot99[i0];
                    float s154 = a.slot154[i0];
                    float s158 = a.slot158[i0];
                    float s163 = s99 * s158;
                    float s177 = s94 - s154;
                    float s178 = s154 * s177;
                    float s179 = s163 * s178;
                    a.buffer38[i0] = s179;
                }

                /// <summary>The storage and sizes kernel 5 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step5Args
                {
                    public global::ILGPU.ArrayView<float> buffer42;
                    public global::ILGPU.ArrayView<float> buffer39;
                    public global::ILGPU.ArrayView<float> buffer40;
                    public global::ILGPU.ArrayView<float> buffer41;
                    public global::ILGPU.ArrayView<float> buffer43;
                    public int dim_N;
                }

                // Kernel 5/11: narrow_backward + epilogue (add, add, add, sum) -> %191 [N,24], %192 [24]
                // %174 = narrow_backward{dim=1;length=6;size=24;start=6}(%173) : [N,24]
                // %181 = add(%174, %180) : [N,24]
                // %186 = add(%181, %185) : [N,24]
                // %191 = add(%186, %190) : [N,24]
                // %192 = sum{dims=0;keep_dim=false}(%191) : [24]
                internal static void Kernel17Step5(global::ILGPU.Index1D index, Kernel17Step5Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator192 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s174 = a.buffer42[i0 * 24 + i1];
                        float s180 = a.buffer39[i0 * 24 + i1];
                        float s185 = a.buffer40[i0 * 24 + i1];
                        float s190 = a.buffer41[i0 * 24 + i1];
                        float s181 = s174 + s180;
                        float s186 = s181 + s185;
                        float s191 = s186 + s190;
                        a.buffer42[i0 * extent1 + i1] = s191;
                        accumulator192 += s191;
                    }
                    a.buffer43[i1] = accumulator192;
                }

                /// <summary>The storage and sizes kernel 8 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step8Args
                {
                    public global::ILGPU.ArrayView<float> slot139;
                    public global::ILGPU.ArrayView<float> output2;
                }

                // Kernel 8/11: GEMM + epilogue (add) -> %197 [24,5]
                // %196 = matmul{transpose_a=true}(%191, %30) : [24,5]
                // %197 = add(%139, %196) : [24,5]
                internal static void Kernel17Step8(global::ILGPU.Index1D index, Kernel17Step8Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s139 = a.slot139[i0];
                    float s196 = a.output2[i0];
                    float s197 = s139 + s196;
                    a.output2[i0] = s197;
                }

                /// <summary>The storage and sizes kernel 9 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step9Args
                {
                    public global::ILGPU.ArrayView<float> slot142;
                    public global::ILGPU.ArrayView<float> output3;
                }

                // Kernel 9/11: GEMM + epilogue (add) -> %198 [24,6]
                // %194 = matmul{transpose_a=true}(%191, %24) : [24,6]
                // %198 = add(%142, %194) : [24,6]
                internal static void Kernel17Step9(global::ILGPU.Index1D index, Kernel17Step9Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s142 = a.slot142[i0];
                    float s194 = a.output3[i0];
                    float s198 = s142 + s194;
                    a.output3[i0] = s198;
                }

                /// <summary>The storage and sizes kernel 10 of the steps of kernel 17 reads and writes.</summary>
                internal struct Kernel17Step10Args
                {
                    public global::ILGPU.ArrayView<float> slot145;
                    public global::ILGPU.ArrayView<float> buffer43;
                    public global::ILGPU.ArrayView<float> output4;
                }

                // Kernel 10/11: elementwise (add) -> %199 [24]
                // %199 = add(%145, %192) : [24]
                internal static void Kernel17Step10(global::ILGPU.Index1D index, Kernel17Step10Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s145 = a.slot145[i0];
                    float s192 = a.buffer43[i0];
                    float s199 = s145 + s192;
                    a.output4[i0] = s199;
                }

                /// <summary>The storage and sizes kernel 19 reads and writes.</summary>
                internal struct Kernel19Args
                {
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> buffer4;
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> buffer30;
                    public global::ILGPU.ArrayView<float> buffer50;
                    public global::ILGPU.ArrayView<float> buffer51;
                    public global::ILGPU.ArrayView<float> buffer52;
                }

                // Kernel 19/32: fused loop with 3 outputs (square, sub, square, sub, sub, mul, mul, mul, add, mul, mul, mul, mul) -> %258 [N,6], %263 [N,6], %266 [N,6]
                // %210 = square(%22) : [N,6]
                // %211 = sub(%94, %210) : [N,6]
                // %220 = square(%18) : [N,6]
                // %221 = sub(%94, %220) : [N,6]
                // %225 = sub(%94, %16) : [N,6]
                // %226 = mul(%16, %225) : [N,6]
                // %256 = mul(%247, %20) : [N,6]
                // %257 = mul(%256, %211) : [N,6]
                // %258 = add(%248, %257) : [N,6]
                // %259 = mul(%258, %18) : [N,6]
                // %260 = mul(%258, %16) : [N,6]
                // %263 = mul(%260, %221) : [N,6]
                // %266 = mul(%259, %226) : [N,6]
                internal static void Kernel19(global::ILGPU.Index1D index, Kernel19Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s94 = 1f;
                    float s16 = a.buffer3[i0];
                    float s18 = a.buffer4[i0];
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s247 = a.buffer29[i0];
                    float s248 = a.buffer30[i0];
                    float s210 = s22 * s22;
                    float s211 = s94 - s210;
                    float s220 = s18 * s18;
                    float s221 = s94 - s220;
                    float s225 = s94 - s16;
                    float s226 = s16 * s225;
                    float s256 = s247 * s20;
                    float s257 = s256 * s211;
                    float s258 = s248 + s257;
                    float s259 = s258 * s18;
                    float s260 = s258 * s16;
                    float s263 = s260 * s221;
                    float s266 = s259 * s226;
                    a.buffer50[i0] = s258;
                    a.buffer51[i0] = s263;
                    a.buffer52[i0] = s266;
                }

                /// <summary>The storage and sizes kernel 20 reads and writes.</summary>
                internal struct Kernel20Args
                {
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> buffer53;
                }

                // Kernel 20/32: fused elementwise (sub, mul, mul, mul) -> %261 [N,6]
                // %216 = sub(%94, %20) : [N,6]
                // %217 = mul(%20, %216) : [N,6]
                // %255 = mul(%247, %22) : [N,6]
                // %261 = mul(%255, %217) : [N,6]
                internal static void Kernel20(global::ILGPU.Index1D index, Kernel20Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s94 = 1f;
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s247 = a.buffer29[i0];
                    float s216 = s94 - s20;
                    float s217 = s20 * s216;
                    float s255 = s247 * s22;
                    float s261 = s255 * s217;
                    a.buffer53[i0] = s261;
                }

                /// <summary>The storage and sizes kernel 23 reads and writes.</summary>
                internal struct Kernel23Args
                {
                    public global::ILGPU.ArrayView<float> buffer56;
                    public global::ILGPU.ArrayView<float> buffer54;
                    public global::ILGPU.ArrayView<float> buffer55;
                    public global::ILGPU.ArrayView<float> buffer57;
                    public int dim_N;
                }

                // Kernel 23/32: narrow_backward + epilogue (add, add, sum) -> %268 [N,24], %269 [24]
                // %262 = narrow_backward{dim=1;length=6;size=24;start=18}(%261) : [N,24]
                // %265 = add(%262, %264) : [N,24]
                // %268 = add(%265, %267) : [N,24]
                // %269 = sum{dims=0;keep_dim=false}(%268) : [24]
                internal static void Kernel23(global::ILGPU.Index1D index, Kernel23Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator269 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s262 = a.buffer56[i0 * 24 + i1];
                        float s264 = a.buffer54[i0 * 24 + i1];
                        float s267 = a.buffer55[i0 * 24 + i1];
                        float s265 = s262 + s264;
                        float s268 = s265 + s267;
                        a.buffer56[i0 * extent1 + i1] = s268;
                        accumulator269 += s268;
                    }
                    a.buffer57[i1] = accumulator269;
                }

                /// <summary>The storage and sizes kernel 24 reads and writes.</summary>
                internal struct Kernel24Args
                {
                    public global::ILGPU.ArrayView<float> buffer33;
                    public global::ILGPU.ArrayView<float> buffer57;
                    public global::ILGPU.ArrayView<float> grad2;
                    public global::ILGPU.ArrayView<float> grad3;
                }

                // Kernel 24/32: fused loop with 2 outputs (add, copy) -> %270 [24], %278 [24]
                // %270 = add(%251, %269) : [24]
                // %278 = copy{gradient_of=3}(%270) : [24]
                internal static void Kernel24(global::ILGPU.Index1D index, Kernel24Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s251 = a.buffer33[i0];
                    float s269 = a.buffer57[i0];
                    float s270 = s251 + s269;
                    float s278 = s270;
                    a.grad2[i0] += s270;
                    a.grad3[i0] += s278;
                }

                /// <summary>The storage and sizes kernel 27 reads and writes.</summary>
                internal struct Kernel27Args
                {
                    public global::ILGPU.ArrayView<float> buffer31;
                    public global::ILGPU.ArrayView<float> buffer59;
                    public global::ILGPU.ArrayView<float> grad1;
                }

                // Kernel 27/32: elementwise (add) -> %273 [24,5]
                // %273 = add(%249, %272) : [24,5]
                internal static void Kernel27(global::ILGPU.Index1D index, Kernel27Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s249 = a.buffer31[i0];
                    float s272 = a.buffer59[i0];
                    float s273 = s249 + s272;
                    a.grad1[i0] += s273;
                }

                /// <summary>The storage and sizes kernel 29 reads and writes.</summary>
                internal struct Kernel29Args
                {
                    public global::ILGPU.ArrayView<float> buffer61;
                    public global::ILGPU.ArrayView<float> buffer60;
                }

                // Kernel 29/32: narrow_backward + epilogue (add) -> %276 [N,4,5]
                // %254 = narrow_backward{dim=1;length=3;size=4;start=1}(%253) : [N,4,5]
                // %276 = add(%254, %275) : [N,4,5]
                internal static void Kernel29(global::ILGPU.Index1D index, Kernel29Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s254 = a.buffer61[i0];
                    float s275 = a.buffer60[i0];
                    float s276 = s254 + s275;
                    a.buffer61[i0] = s276;
                }

                /// <summary>The storage and sizes kernel 31 reads and writes.</summary>
                internal struct Kernel31Args
                {
                    public global::ILGPU.ArrayView<float> buffer32;
                    public global::ILGPU.ArrayView<float> grad4;
                }

                // Kernel 31/32: elementwise (copy) -> %279 [24,6]
                // %279 = copy{gradient_of=4}(%250) : [24,6]
                internal static void Kernel31(global::ILGPU.Index1D index, Kernel31Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s250 = a.buffer32[i0];
                    float s279 = s250;
                    a.grad4[i0] += s279;
                }
            }

