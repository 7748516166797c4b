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
                    // Kernel 0/31: embedding -> %9 [N,4,5]
                    step.Library.Gather(step.Graph, step.Capture(0), 5, step.IntInput(0), step.Arena(0), (step.Symbol(0) * 4));

                    // Kernel 1/31: narrow -> %10 [N,1,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 0, step.Arena(1), 5, 0, step.Symbol(0), 5);

                    // Kernel 2/31: GEMM + epilogue (add, add) -> %14 [N,24]
                    step.Library.Gemm(step.Graph, step.Arena(1), step.Capture(1), step.Arena(2), step.Symbol(0), 24, 5, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel2, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel2Args { capture2 = step.Capture(2), capture3 = step.Capture(3), buffer2 = step.Arena(2) });

                    // Kernel 3/31: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, tanh, mul) -> %16 [N,6], %18 [N,6], %21 [N,6], %22 [N,6], %20 [N,6], %23 [N,6]
                    step.Launch(LossDeviceKernels.Kernel3, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel3Args { buffer2 = step.Arena(2), buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer5 = step.Arena(5), buffer6 = step.Arena(6), buffer7 = step.Arena(7), buffer8 = step.Arena(8) });

                    // Kernel 4/31: narrow -> %26 [N,3,5]
                    step.Library.CopyBlocks(step.Graph, step.Arena(0), 20, 5, step.Arena(9), 15, 0, step.Symbol(0), 15);

                    // Kernel 5/31: transpose -> %27 [3,N,5]
                    step.Library.SwapAxes(step.Graph, step.Arena(9), step.Arena(10), 1, step.Symbol(0), 1, 3, 5);

                    // Kernel 6/31: elementwise (add) -> %74 [24]
                    step.Launch(LossDeviceKernels.Kernel6, (24), new LossDeviceKernels.Kernel6Args { capture2 = step.Capture(2), capture3 = step.Capture(3), buffer11 = step.Arena(11) });

                    // Kernel 7/31: GEMM Bᵀ -> %96 [N*3,24]
                    step.Library.Gemm(step.Graph, step.Arena(10), step.Capture(1), step.Arena(12), (step.Symbol(0) * 3), 24, 5, transposeA: false, transposeB: true, accumulate: false);

                    // Kernel 8/31: elementwise (broadcast_to) -> %125 [N,6]
                    step.Launch(LossDeviceKernels.Kernel8, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel8Args { buffer13 = step.Arena(13) });

                    // Kernel 9/31: loop over 3 steps, its body 2 kernel(s) -> %257 [N,6], %166 [3,N,6], %167 [3,N,6], %169 [3,N,6], %171 [3,N,6], %173 [3,N,6], %175 [3,N,6], %177 [3,N,6]
                    {
                        // %166 = scan{body=3;output=0;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %6, %74, %97) : [3,N,6]
                        // %167 = scan{body=3;output=1;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %6, %74, %97) : [3,N,6]
                        // %169 = scan{body=3;output=2;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %6, %74, %97) : [3,N,6]
                        // %171 = scan{body=3;output=3;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %6, %74, %97) : [3,N,6]
                        // %173 = scan{body=3;output=4;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %6, %74, %97) : [3,N,6]
                        // %175 = scan{body=3;output=5;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %6, %74, %97) : [3,N,6]
                        // %177 = scan{body=3;output=6;reverse=false;shape=3,N,6;stacked=true;steps=3}(%23, %21, %6, %74, %97) : [3,N,6]
                        // %257 = scan{body=3;output=0;reverse=false;shape=N,6;stacked=false;steps=3}(%23, %21, %6, %74, %97) : [N,6]
                        int loop9Steps = 3;
                        for (int loop9Step = 0; loop9Step < loop9Steps; loop9Step++)
                        {
                            int loop9Time = loop9Step;
                            global::ILGPU.ArrayView<float> loop9Out0 = step.Arena(15).SubView((loop9Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Out1 = step.Arena(16).SubView((loop9Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Out2 = step.Arena(17).SubView((loop9Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Out3 = step.Arena(18).SubView((loop9Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Out4 = step.Arena(19).SubView((loop9Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Out5 = step.Arena(20).SubView((loop9Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Out6 = step.Arena(21).SubView((loop9Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Slot24 = loop9Step == 0 ? step.Arena(8) : step.Arena(15).SubView((loop9Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Slot25 = loop9Step == 0 ? step.Arena(5) : step.Arena(16).SubView((loop9Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop9Slot94 = step.Arena(12).SubView((loop9Time) * (step.Symbol(0) * 24), (step.Symbol(0) * 24));

                            // Kernel 0/2: GEMM + epilogue (add, add) -> %99 [N,24]
                            step.Library.Gemm(step.Graph, loop9Slot24, step.Capture(4), step.Arena(22), step.Symbol(0), 24, 6, transposeA: false, transposeB: true, accumulate: false);
                            step.Launch(LossDeviceKernels.Kernel9Step0, (step.Symbol(0)) * (24), new LossDeviceKernels.Kernel9Step0Args { buffer22 = step.Arena(22), slot75 = step.Arena(11), slot94 = loop9Slot94 });

                            // Kernel 1/2: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %101 [N,6], %103 [N,6], %108 [N,6], %110 [N,6], %111 [N,6], %105 [N,6], %112 [N,6]
                            step.Launch(LossDeviceKernels.Kernel9Step1, (step.Symbol(0)) * (6), new LossDeviceKernels.Kernel9Step1Args { slot25 = loop9Slot25, buffer22 = step.Arena(22), output2 = loop9Out2, output3 = loop9Out3, output5 = loop9Out5, output1 = loop9Out1, output6 = loop9Out6, output4 = loop9Out4, output0 = loop9Out0 });
                        }
                        step.Library.Copy(step.Arena(15).SubView((loop9Steps - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6)), step.Arena(14));
                    }

                    // Kernel 10/31: GEMM + epilogue (add) -> %259 [N,3]
                    step.Library.Gemm(step.Graph, step.Arena(14), step.Capture(5), step.Arena(23), step.Symbol(0), 3, 6, transposeA: false, transposeB: true, accumulate: false);
                    step.Launch(LossDeviceKernels.Kernel10, (step.Symbol(0)) * (3), new LossDeviceKernels.Kernel10Args { capture6 = step.Capture(6), buffer23 = step.Arena(23) });

                    // Kernel 11/31: cross_entropy + cross_entropy_backward (one pass) -> %260 [], %261 [N,3]
                    step.Library.CrossEntropy(step.Graph, step.Arena(23), step.IntInput(1), step.Symbol(0), 3, loss: step.Result, upstream: step.One, upstreamScale: 1f, gradient: step.Arena(24));

                    // Kernel 12/31: sum over [N,3] -> %262 [3]
                    step.Launch(LossDeviceKernels.Kernel12, (3), new LossDeviceKernels.Kernel12Args { buffer24 = step.Arena(24), grad6 = step.Gradient(6), dim_N = step.Symbol(0) });

                    // Kernel 13/31: GEMM -> %263 [N,6]
                    step.Library.Gemm(step.Graph, step.Arena(24), step.Capture(5), step.Arena(25), step.Symbol(0), 6, 3, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 14/31: GEMM Aᵀ -> %264 [3,6]
                    step.Library.Gemm(step.Graph, step.Arena(24), step.Arena(14), step.Gradient(5), 3, 6, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 15/31: loop over 3 steps in reverse, its body 8 kernel(s) -> %307 [N,6], %300 [3,N,24], %301 [3,N,6], %306 [N,6]
                    {
                        // %300 = scan{body=5;output=2;reverse=true;shape=3,N,24;stacked=true;steps=3}(%263, %125, %23, %166, %21, %167, %6, %169, %171, %173, %175, %177) : [3,N,24]
                        // %301 = scan{body=5;output=3;reverse=true;shape=3,N,6;stacked=true;steps=3}(%263, %125, %23, %166, %21, %167, %6, %169, %171, %173, %175, %177) : [3,N,6]
                        // %306 = scan{body=5;output=0;reverse=true;shape=N,6;stacked=false;steps=3}(%263, %125, %23, %166, %21, %167, %6, %169, %171, %173, %175, %177) : [N,6]
                        // %307 = scan{body=5;output=1;reverse=true;shape=N,6;stacked=false;steps=3}(%263, %125, %23, %166, %21, %167, %6, %169, %171, %173, %175, %177) : [N,6]
                        int loop15Steps = 3;
                        for (int loop15Step = 0; loop15Step < loop15Steps; loop15Step++)
                        {
                            int loop15Time = loop15Steps - 1 - loop15Step;
                            global::ILGPU.ArrayView<float> loop15Out0 = ((loop15Steps - 1 - loop15Step) & 1) == 0 ? step.Arena(29) : step.Arena(38);
                            global::ILGPU.ArrayView<float> loop15Out1 = ((loop15Steps - 1 - loop15Step) & 1) == 0 ? step.Arena(26) : step.Arena(39);
                            global::ILGPU.ArrayView<float> loop15Out2 = step.Arena(27).SubView((loop15Time) * (step.Symbol(0) * 24), (step.Symbol(0) * 24));
                            global::ILGPU.ArrayView<float> loop15Out3 = step.Arena(28).SubView((loop15Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop15Slot122 = loop15Step == 0 ? step.Arena(25) : (((loop15Steps - loop15Step) & 1) == 0 ? step.Arena(29) : step.Arena(38));
                            global::ILGPU.ArrayView<float> loop15Slot123 = loop15Step == 0 ? step.Arena(13) : (((loop15Steps - loop15Step) & 1) == 0 ? step.Arena(26) : step.Arena(39));
                            global::ILGPU.ArrayView<float> loop15Slot24 = loop15Time == 0 ? step.Arena(8) : step.Arena(15).SubView((loop15Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop15Slot25 = loop15Time == 0 ? step.Arena(5) : step.Arena(16).SubView((loop15Time - 1) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop15Slot168 = step.Arena(17).SubView((loop15Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop15Slot170 = step.Arena(18).SubView((loop15Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop15Slot172 = step.Arena(19).SubView((loop15Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop15Slot174 = step.Arena(20).SubView((loop15Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));
                            global::ILGPU.ArrayView<float> loop15Slot176 = step.Arena(21).SubView((loop15Time) * (step.Symbol(0) * 6), (step.Symbol(0) * 6));

                            // Kernel 0/8: fused loop with 5 outputs (mul, square, sub, mul, add, mul, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %186 [N,6], %188 [N,6], %191 [N,6], %202 [N,6], %207 [N,6]
                            step.Launch(LossDeviceKernels.Kernel15Step0, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel15Step0Args { slot25 = loop15Slot25, slot122 = loop15Slot122, slot123 = loop15Slot123, slot168 = loop15Slot168, slot170 = loop15Slot170, slot172 = loop15Slot172, slot174 = loop15Slot174, slot176 = loop15Slot176, buffer30 = step.Arena(30), output1 = loop15Out1, buffer31 = step.Arena(31), buffer32 = step.Arena(32), buffer33 = step.Arena(33) });

                            // Kernel 1/8: fused elementwise (mul, sub, mul, mul) -> %197 [N,6]
                            step.Launch(LossDeviceKernels.Kernel15Step1, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel15Step1Args { slot122 = loop15Slot122, slot172 = loop15Slot172, slot176 = loop15Slot176, buffer34 = step.Arena(34) });

                            // Kernel 2/8: narrow_backward -> %198 [N,24]
                            step.Library.Clear(step.Arena(35));
                            step.Library.CopyBlocks(step.Graph, step.Arena(34), 6, 0, step.Arena(35), 24, 18, step.Symbol(0), 6);

                            // Kernel 3/8: narrow_backward -> %203 [N,24]
                            step.Library.Clear(step.Arena(36));
                            step.Library.CopyBlocks(step.Graph, step.Arena(32), 6, 0, step.Arena(36), 24, 12, step.Symbol(0), 6);

                            // Kernel 4/8: narrow_backward -> %208 [N,24]
                            step.Library.Clear(step.Arena(37));
                            step.Library.CopyBlocks(step.Graph, step.Arena(33), 6, 0, step.Arena(37), 24, 0, step.Symbol(0), 6);

                            // Kernel 5/8: narrow_backward + epilogue (add, add, add) -> %209 [N,24]
                            step.Library.Clear(loop15Out2);
                            step.Library.CopyBlocks(step.Graph, step.Arena(31), 6, 0, loop15Out2, 24, 6, step.Symbol(0), 6);
                            step.Launch(LossDeviceKernels.Kernel15Step5, ((step.Symbol(0) * 24)), new LossDeviceKernels.Kernel15Step5Args { output2 = loop15Out2, buffer35 = step.Arena(35), buffer36 = step.Arena(36), buffer37 = step.Arena(37) });

                            // Kernel 6/8: GEMM -> %211 [N,6]
                            step.Library.Gemm(step.Graph, loop15Out2, step.Capture(4), loop15Out0, step.Symbol(0), 6, 24, transposeA: false, transposeB: false, accumulate: false);

                            // Kernel 7/8: elementwise (copy) -> %299 [N,6]
                            step.Launch(LossDeviceKernels.Kernel15Step7, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel15Step7Args { slot24 = loop15Slot24, output3 = loop15Out3 });
                        }
                    }

                    // Kernel 16/31: GEMM Aᵀ -> %304 [24,6]
                    step.Library.Gemm(step.Graph, step.Arena(27), step.Arena(28), step.Gradient(4), 24, 6, (step.Symbol(0) * 3), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 17/31: sum over [3,N,24] -> %305 [24]
                    step.Launch(LossDeviceKernels.Kernel17, (24), new LossDeviceKernels.Kernel17Args { buffer27 = step.Arena(27), buffer40 = step.Arena(40), dim_N = step.Symbol(0) });

                    // Kernel 18/31: GEMM -> %308 [N*3,5]
                    step.Library.Gemm(step.Graph, step.Arena(27), step.Capture(1), step.Arena(41), (step.Symbol(0) * 3), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 19/31: transpose -> %311 [N,3,5]
                    step.Library.SwapAxes(step.Graph, step.Arena(41), step.Arena(42), 1, 3, 1, step.Symbol(0), 5);

                    // Kernel 20/31: fused loop with 3 outputs (square, sub, square, sub, sub, mul, mul, mul, add, mul, mul, mul, mul) -> %316 [N,6], %321 [N,6], %324 [N,6]
                    step.Launch(LossDeviceKernels.Kernel20, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel20Args { buffer3 = step.Arena(3), buffer4 = step.Arena(4), buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer29 = step.Arena(29), buffer26 = step.Arena(26), buffer43 = step.Arena(43), buffer44 = step.Arena(44), buffer45 = step.Arena(45) });

                    // Kernel 21/31: fused elementwise (sub, mul, mul, mul) -> %319 [N,6]
                    step.Launch(LossDeviceKernels.Kernel21, ((step.Symbol(0) * 6)), new LossDeviceKernels.Kernel21Args { buffer7 = step.Arena(7), buffer6 = step.Arena(6), buffer29 = step.Arena(29), buffer46 = step.Arena(46) });

                    // Kernel 22/31: narrow_backward -> %322 [N,24]
                    step.Library.Clear(step.Arena(47));
                    step.Library.CopyBlocks(step.Graph, step.Arena(44), 6, 0, step.Arena(47), 24, 12, step.Symbol(0), 6);

                    // Kernel 23/31: narrow_backward -> %325 [N,24]
                    step.Library.Clear(step.Arena(48));
                    step.Library.CopyBlocks(step.Graph, step.Arena(45), 6, 0, step.Arena(48), 24, 0, step.Symbol(0), 6);

                    // Kernel 24/31: narrow_backward + epilogue (add, add, sum) -> %326 [N,24], %327 [24]
                    step.Library.Clear(step.Arena(49));
                    step.Library.CopyBlocks(step.Graph, step.Arena(46), 6, 0, step.Arena(49), 24, 18, step.Symbol(0), 6);
                    step.Launch(LossDeviceKernels.Kernel24, (24), new LossDeviceKernels.Kernel24Args { buffer49 = step.Arena(49), buffer47 = step.Arena(47), buffer48 = step.Arena(48), buffer50 = step.Arena(50), dim_N = step.Symbol(0) });

                    // Kernel 25/31: fused loop with 2 outputs (add, copy) -> %328 [24], %336 [24]
                    step.Launch(LossDeviceKernels.Kernel25, (24), new LossDeviceKernels.Kernel25Args { buffer40 = step.Arena(40), buffer50 = step.Arena(50), grad2 = step.Gradient(2), grad3 = step.Gradient(3) });

                    // Kernel 26/31: GEMM -> %329 [N,5]
                    step.Library.Gemm(step.Graph, step.Arena(49), step.Capture(1), step.Arena(51), step.Symbol(0), 5, 24, transposeA: false, transposeB: false, accumulate: false);

                    // Kernel 27/31: 2 accumulating GEMMs -> %331 [24,5]
                    step.Library.Gemm(step.Graph, step.Arena(27), step.Arena(10), step.Gradient(1), 24, 5, (step.Symbol(0) * 3), transposeA: true, transposeB: false, accumulate: true);
                    step.Library.Gemm(step.Graph, step.Arena(49), step.Arena(1), step.Gradient(1), 24, 5, step.Symbol(0), transposeA: true, transposeB: false, accumulate: true);

                    // Kernel 28/31: narrow_backward -> %333 [N,4,5]
                    step.Library.Clear(step.Arena(52));
                    step.Library.CopyBlocks(step.Graph, step.Arena(51), 5, 0, step.Arena(52), 20, 0, step.Symbol(0), 5);

                    // Kernel 29/31: narrow_backward + epilogue (add) -> %334 [N,4,5]
                    step.Library.Clear(step.Arena(53));
                    step.Library.CopyBlocks(step.Graph, step.Arena(42), 15, 0, step.Arena(53), 20, 5, step.Symbol(0), 15);
                    step.Launch(LossDeviceKernels.Kernel29, ((step.Symbol(0) * 20)), new LossDeviceKernels.Kernel29Args { buffer53 = step.Arena(53), buffer52 = step.Arena(52) });

                    // Kernel 30/31: embedding_backward -> %335 [20,5]
                    step.Library.ScatterAdd(step.Graph, step.Arena(53), step.IntInput(0), 5, step.Gradient(0), -1, (step.Symbol(0) * 4));
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

                // Kernel 2/31: GEMM + epilogue (add, add) -> %14 [N,24]
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

                // Kernel 3/31: fused loop with 6 outputs (sigmoid, tanh, sigmoid, mul, tanh, mul) -> %16 [N,6], %18 [N,6], %21 [N,6], %22 [N,6], %20 [N,6], %23 [N,6]
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

                // Kernel 6/31: elementwise (add) -> %74 [24]
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

                /// <summary>The storage and sizes kernel 8 reads and writes.</summary>
                internal struct Kernel8Args
                {
                    public global::ILGPU.ArrayView<float> buffer13;
                }

                // Kernel 8/31: elementwise (broadcast_to) -> %125 [N,6]
                // %125 = broadcast_to{shape=N,6}(%124) : [N,6]
                internal static void Kernel8(global::ILGPU.Index1D index, Kernel8Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s124 = 0f;
                    float s125 = s124;
                    a.buffer13[i0] = s125;
                }

                /// <summary>The storage and sizes kernel 0 of the steps of kernel 9 reads and writes.</summary>
                internal struct Kernel9Step0Args
                {
                    public global::ILGPU.ArrayView<float> buffer22;
                    public global::ILGPU.ArrayView<float> slot75;
                    public global::ILGPU.ArrayView<float> slot94;
                }

                // Kernel 0/2: GEMM + epilogue (add, add) -> %99 [N,24]
                // %37 = matmul{transpose_b=true}(%24, %35) : [N,24]
                // %98 = add(%94, %37) : [N,24]
                // %99 = add(%98, %75) : [N,24]
                internal static void Kernel9Step0(global::ILGPU.Index1D index, Kernel9Step0Args a)
                {
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s37 = a.buffer22[i0 * 24 + i1];
                    float s75 = a.slot75[i1];
                    float s94 = a.slot94[i0 * 24 + i1];
                    float s98 = s94 + s37;
                    float s99 = s98 + s75;
                    a.buffer22[i0 * extent1 + i1] = s99;
                }

                /// <summary>The storage and sizes kernel 1 of the steps of kernel 9 reads and writes.</summary>
                internal struct Kernel9Step1Args
                {
                    public global::ILGPU.ArrayView<float> slot25;
                    public global::ILGPU.ArrayView<float> buffer22;
                    public global::ILGPU.ArrayView<float> output2;
                    public global::ILGPU.ArrayView<float> output3;
                    public global::ILGPU.ArrayView<float> output5;
                    public global::ILGPU.ArrayView<float> output1;
                    public global::ILGPU.ArrayView<float> output6;
                    public global::ILGPU.ArrayView<float> output4;
                    public global::ILGPU.ArrayView<float> output0;
                }

                // Kernel 1/2: fused loop with 7 outputs (sigmoid, tanh, sigmoid, mul, sigmoid, mul, add, tanh, mul) -> %101 [N,6], %103 [N,6], %108 [N,6], %110 [N,6], %111 [N,6], %105 [N,6], %112 [N,6]
                // %100 = narrow{dim=1;length=6;start=0}(%99) : [N,6]
                // %101 = sigmoid(%100) : [N,6]
                // %102 = narrow{dim=1;length=6;start=12}(%99) : [N,6]
                // %103 = tanh(%102) : [N,6]
                // %104 = narrow{dim=1;length=6;start=18}(%99) : [N,6]
                // %105 = sigmoid(%104) : [N,6]
                // %106 = mul(%101, %103) : [N,6]
                // %107 = narrow{dim=1;length=6;start=6}(%99) : [N,6]
                // %108 = sigmoid(%107) : [N,6]
                // %109 = mul(%108, %25) : [N,6]
                // %110 = add(%109, %106) : [N,6]
                // %111 = tanh(%110) : [N,6]
                // %112 = mul(%105, %111) : [N,6]
                internal static void Kernel9Step1(global::ILGPU.Index1D index, Kernel9Step1Args a)
                {
                    int extent1 = 6;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s25 = a.slot25[i0 * 6 + i1];
                    float s100 = a.buffer22[i0 * 24 + i1];
                    float s102 = a.buffer22[12 + i0 * 24 + i1];
                    float s104 = a.buffer22[18 + i0 * 24 + i1];
                    float s107 = a.buffer22[6 + i0 * 24 + i1];
                    float s101 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s100));
                    float s103 = global::ILGPU.Algorithms.XMath.Tanh(s102);
                    float s105 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s104));
                    float s106 = s101 * s103;
                    float s108 = 1f / (1f + global::ILGPU.Algorithms.XMath.Exp(-s107));
                    float s109 = s108 * s25;
                    float s110 = s109 + s106;
                    float s111 = global::ILGPU.Algorithms.XMath.Tanh(s110);
                    float s112 = s105 * s111;
                    a.output2[i0 * extent1 + i1] = s101;
                    a.output3[i0 * extent1 + i1] = s103;
                    a.output5[i0 * extent1 + i1] = s108;
                    a.output1[i0 * extent1 + i1] = s110;
                    a.output6[i0 * extent1 + i1] = s111;
                    a.output4[i0 * extent1 + i1] = s105;
                    a.output0[i0 * extent1 + i1] = s112;
                }

                /// <summary>The storage and sizes kernel 10 reads and writes.</summary>
                internal struct Kernel10Args
                {
                    public global::ILGPU.ArrayView<float> capture6;
                    public global::ILGPU.ArrayView<float> buffer23;
                }

                // Kernel 10/31: GEMM + epilogue (add) -> %259 [N,3]
                // %258 = matmul{transpose_b=true}(%257, %7) : [N,3]
                // %259 = add(%258, %8) : [N,3]
                internal static void Kernel10(global::ILGPU.Index1D index, Kernel10Args a)
                {
                    int extent1 = 3;
                    int rest = index.X;
                    int i1 = rest % extent1;
                    rest /= extent1;
                    int i0 = rest;
                    float s8 = a.capture6[i1];
                    float s258 = a.buffer23[i0 * 3 + i1];
                    float s259 = s258 + s8;
                    a.buffer23[i0 * extent1 + i1] = s259;
                }

                /// <summary>The storage and sizes kernel 12 reads and writes.</summary>
                internal struct Kernel12Args
                {
                    public global::ILGPU.ArrayView<float> buffer24;
                    public global::ILGPU.ArrayView<float> grad6;
                    public int dim_N;
                }

                // Kernel 12/31: sum over [N,3] -> %262 [3]
                // %262 = sum{dims=0;keep_dim=false}(%261) : [3]
                internal static void Kernel12(global::ILGPU.Index1D index, Kernel12Args a)
                {
                    int extent0 = a.dim_N;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator262 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s261 = a.buffer24[i0 * 3 + i1];
                        accumulator262 += s261;
                    }
                    a.grad6[i1] += accumulator262;
                }

                /// <summary>The storage and sizes kernel 0 of the steps of kernel 15 reads and writes.</summary>
                internal struct Kernel15Step0Args
                {
                    public global::ILGPU.ArrayView<float> slot25;
                    public global::ILGPU.ArrayView<float> slot122;
                    public global::ILGPU.ArrayView<float> slot123;
                    public global::ILGPU.ArrayView<float> slot168;
                    public global::ILGPU.ArrayView<float> slot170;
                    public global::ILGPU.ArrayView<float> slot172;
                    public global::ILGPU.ArrayView<float> slot174;
                    public global::ILGPU.ArrayView<float> slot176;
                    public global::ILGPU.ArrayView<float> buffer30;
                    public global::ILGPU.ArrayView<float> output1;
                    public global::ILGPU.ArrayView<float> buffer31;
                    public global::ILGPU.ArrayView<float> buffer32;
                    public global::ILGPU.ArrayView<float> buffer33;
                }

                // Kernel 0/8: fused loop with 5 outputs (mul, square, sub, mul, add, mul, mul, sub, mul, mul, mul, mul, square, sub, mul, sub, mul, mul) -> %186 [N,6], %188 [N,6], %191 [N,6], %202 [N,6], %207 [N,6]
                // %182 = mul(%122, %172) : [N,6]
                // %183 = square(%176) : [N,6]
                // %184 = sub(%117, %183) : [N,6]
                // %185 = mul(%182, %184) : [N,6]
                // %186 = add(%123, %185) : [N,6]
                // %187 = mul(%186, %25) : [N,6]
                // %188 = mul(%186, %174) : [N,6]
                // %189 = sub(%117, %174) : [N,6]
                // %190 = mul(%174, %189) : [N,6]
                // %191 = mul(%187, %190) : [N,6]
                // %193 = mul(%186, %170) : [N,6]
                // %194 = mul(%186, %168) : [N,6]
                // %200 = square(%170) : [N,6]
                // %201 = sub(%117, %200) : [N,6]
                // %202 = mul(%194, %201) : [N,6]
                // %205 = sub(%117, %168) : [N,6]
                // %206 = mul(%168, %205) : [N,6]
                // %207 = mul(%193, %206) : [N,6]
                internal static void Kernel15Step0(global::ILGPU.Index1D index, Kernel15Step0Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s117 = 1f;
                    float s25 = a.slot25[i0];
                    float s122 = a.slot122[i0];
                    float s123 = a.slot123[i0];
                    float s168 = a.slot168[i0];
                    float s170 = a.slot170[i0];
                    float s172 = a.slot172[i0];
                    float s174 = a.slot174[i0];
                    float s176 = a.slot176[i0];
                    float s182 = s122 * s172;
                    float s183 = s176 * s176;
                    float s184 = s117 - s183;
                    float s185 = s182 * s184;
                    float s186 = s123 + s185;
                    float s187 = s186 * s25;
                    float s188 = s186 * s174;
                    float s189 = s117 - s174;
                    float s190 = s174 * s189;
                    float s191 = s187 * s190;
                    float s193 = s186 * s170;
                    float s194 = s186 * s168;
                    float s200 = s170 * s170;
                    float s201 = s117 - s200;
                    float s202 = s194 * s201;
                    float s205 = s117 - s168;
                    float s206 = s168 * s205;
                    float s207 = s193 * s206;
                    a.buffer30[i0] = s186;
                    a.output1[i0] = s188;
                    a.buffer31[i0] = s191;
                    a.buffer32[i0] = s202;
                    a.buffer33[i0] = s207;
                }

                /// <summary>The storage and sizes kernel 1 of the steps of kernel 15 reads and writes.</summary>
                internal struct Kernel15Step1Args
                {
                    public global::ILGPU.ArrayView<float> slot122;
                    public global::ILGPU.ArrayView<float> slot172;
                    public global::ILGPU.ArrayView<float> slot176;
                    public global::ILGPU.ArrayView<float> buffer34;
                }

                // Kernel 1/8: fused elementwise (mul, sub, mul, mul) -> %197 [N,6]
                // %181 = mul(%122, %176) : [N,6]
                // %195 = sub(%117, %172) : [N,6]
                // %196 = mul(%172, %195) : [N,6]
                // %197 = mul(%181, %196) : [N,6]
                internal static void Kernel15Step1(global::ILGPU.Index1D index, Kernel15Step1Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s117 = 1f;
                    float s122 = a.slot122[i0];
                    float s172 = a.slot172[i0];
                    float s176 = a.slot176[i0];
                    float s181 = s122 * s176;
                    float s195 = s117 - s172;
                    float s196 = s172 * s195;
                    float s197 = s181 * s196;
                    a.buffer34[i0] = s197;
                }

                /// <summary>The storage and sizes kernel 5 of the steps of kernel 15 reads and writes.</summary>
                internal struct Kernel15Step5Args
                {
                    public global::ILGPU.ArrayView<float> output2;
                    public global::ILGPU.ArrayView<float> buffer35;
                    public global::ILGPU.ArrayView<float> buffer36;
                    public global::ILGPU.ArrayView<float> buffer37;
                }

                // Kernel 5/8: narrow_backward + epilogue (add, add, add) -> %209 [N,24]
                // %192 = narrow_backward{dim=1;length=6;size=24;start=6}(%191) : [N,24]
                // %199 = add(%192, %198) : [N,24]
                // %204 = add(%199, %203) : [N,24]
                // %209 = add(%204, %208) : [N,24]
                internal static void Kernel15Step5(global::ILGPU.Index1D index, Kernel15Step5Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s192 = a.output2[i0];
                    float s198 = a.buffer35[i0];
                    float s203 = a.buffer36[i0];
                    float s208 = a.buffer37[i0];
                    float s199 = s192 + s198;
                    float s204 = s199 + s203;
                    float s209 = s204 + s208;
                    a.output2[i0] = s209;
                }

                /// <summary>The storage and sizes kernel 7 of the steps of kernel 15 reads and writes.</summary>
                internal struct Kernel15Step7Args
                {
                    public global::ILGPU.ArrayView<float> slot24;
                    public global::ILGPU.ArrayView<float> output3;
                }

                // Kernel 7/8: elementwise (copy) -> %299 [N,6]
                // %299 = copy(%24) : [N,6]
                internal static void Kernel15Step7(global::ILGPU.Index1D index, Kernel15Step7Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s24 = a.slot24[i0];
                    float s299 = s24;
                    a.output3[i0] = s299;
                }

                /// <summary>The storage and sizes kernel 17 reads and writes.</summary>
                internal struct Kernel17Args
                {
                    public global::ILGPU.ArrayView<float> buffer27;
                    public global::ILGPU.ArrayView<float> buffer40;
                    public int dim_N;
                }

                // Kernel 17/31: sum over [3,N,24] -> %305 [24]
                // %305 = sum{dims=0,1;keep_dim=false}(%300) : [24]
                internal static void Kernel17(global::ILGPU.Index1D index, Kernel17Args a)
                {
                    int extent0 = (a.dim_N * 3);
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator305 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s300 = a.buffer27[i0 * 24 + i1];
                        accumulator305 += s300;
                    }
                    a.buffer40[i1] = accumulator305;
                }

                /// <summary>The storage and sizes kernel 20 reads and writes.</summary>
                internal struct Kernel20Args
                {
                    public global::ILGPU.ArrayView<float> buffer3;
                    public global::ILGPU.ArrayView<float> buffer4;
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> buffer26;
                    public global::ILGPU.ArrayView<float> buffer43;
                    public global::ILGPU.ArrayView<float> buffer44;
                    public global::ILGPU.ArrayView<float> buffer45;
                }

                // Kernel 20/31: fused loop with 3 outputs (square, sub, square, sub, sub, mul, mul, mul, add, mul, mul, mul, mul) -> %316 [N,6], %321 [N,6], %324 [N,6]
                // %228 = square(%22) : [N,6]
                // %229 = sub(%117, %228) : [N,6]
                // %238 = square(%18) : [N,6]
                // %239 = sub(%117, %238) : [N,6]
                // %243 = sub(%117, %16) : [N,6]
                // %244 = mul(%16, %243) : [N,6]
                // %314 = mul(%306, %20) : [N,6]
                // %315 = mul(%314, %229) : [N,6]
                // %316 = add(%307, %315) : [N,6]
                // %317 = mul(%316, %18) : [N,6]
                // %318 = mul(%316, %16) : [N,6]
                // %321 = mul(%318, %239) : [N,6]
                // %324 = mul(%317, %244) : [N,6]
                internal static void Kernel20(global::ILGPU.Index1D index, Kernel20Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s117 = 1f;
                    float s16 = a.buffer3[i0];
                    float s18 = a.buffer4[i0];
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s306 = a.buffer29[i0];
                    float s307 = a.buffer26[i0];
                    float s228 = s22 * s22;
                    float s229 = s117 - s228;
                    float s238 = s18 * s18;
                    float s239 = s117 - s238;
                    float s243 = s117 - s16;
                    float s244 = s16 * s243;
                    float s314 = s306 * s20;
                    float s315 = s314 * s229;
                    float s316 = s307 + s315;
                    float s317 = s316 * s18;
                    float s318 = s316 * s16;
                    float s321 = s318 * s239;
                    float s324 = s317 * s244;
                    a.buffer43[i0] = s316;
                    a.buffer44[i0] = s321;
                    a.buffer45[i0] = s324;
                }

                /// <summary>The storage and sizes kernel 21 reads and writes.</summary>
                internal struct Kernel21Args
                {
                    public global::ILGPU.ArrayView<float> buffer7;
                    public global::ILGPU.ArrayView<float> buffer6;
                    public global::ILGPU.ArrayView<float> buffer29;
                    public global::ILGPU.ArrayView<float> buffer46;
                }

                // Kernel 21/31: fused elementwise (sub, mul, mul, mul) -> %319 [N,6]
                // %234 = sub(%117, %20) : [N,6]
                // %235 = mul(%20, %234) : [N,6]
                // %313 = mul(%306, %22) : [N,6]
                // %319 = mul(%313, %235) : [N,6]
                internal static void Kernel21(global::ILGPU.Index1D index, Kernel21Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s117 = 1f;
                    float s20 = a.buffer7[i0];
                    float s22 = a.buffer6[i0];
                    float s306 = a.buffer29[i0];
                    float s234 = s117 - s20;
                    float s235 = s20 * s234;
                    float s313 = s306 * s22;
                    float s319 = s313 * s235;
                    a.buffer46[i0] = s319;
                }

                /// <summary>The storage and sizes kernel 24 reads and writes.</summary>
                internal struct Kernel24Args
                {
                    public global::ILGPU.ArrayView<float> buffer49;
                    public global::ILGPU.ArrayView<float> buffer47;
                    public global::ILGPU.ArrayView<float> buffer48;
                    public global::ILGPU.ArrayView<float> buffer50;
                    public int dim_N;
                }

                // Kernel 24/31: narrow_backward + epilogue (add, add, sum) -> %326 [N,24], %327 [24]
                // %320 = narrow_backward{dim=1;length=6;size=24;start=18}(%319) : [N,24]
                // %323 = add(%320, %322) : [N,24]
                // %326 = add(%323, %325) : [N,24]
                // %327 = sum{dims=0;keep_dim=false}(%326) : [24]
                internal static void Kernel24(global::ILGPU.Index1D index, Kernel24Args a)
                {
                    int extent0 = a.dim_N;
                    int extent1 = 24;
                    int rest = index.X;
                    int i1 = rest;
                    float accumulator327 = 0f;
                    for (int i0 = 0; i0 < extent0; i0++)
                    {
                        float s320 = a.buffer49[i0 * 24 + i1];
                        float s322 = a.buffer47[i0 * 24 + i1];
                        float s325 = a.buffer48[i0 * 24 + i1];
                        float s323 = s320 + s322;
                        float s326 = s323 + s325;
                        a.buffer49[i0 * extent1 + i1] = s326;
                        accumulator327 += s326;
                    }
                    a.buffer50[i1] = accumulator327;
                }

                /// <summary>The storage and sizes kernel 25 reads and writes.</summary>
                internal struct Kernel25Args
                {
                    public global::ILGPU.ArrayView<float> buffer40;
                    public global::ILGPU.ArrayView<float> buffer50;
                    public global::ILGPU.ArrayView<float> grad2;
                    public global::ILGPU.ArrayView<float> grad3;
                }

                // Kernel 25/31: fused loop with 2 outputs (add, copy) -> %328 [24], %336 [24]
                // %328 = add(%305, %327) : [24]
                // %336 = copy{gradient_of=3}(%328) : [24]
                internal static void Kernel25(global::ILGPU.Index1D index, Kernel25Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s305 = a.buffer40[i0];
                    float s327 = a.buffer50[i0];
                    float s328 = s305 + s327;
                    float s336 = s328;
                    a.grad2[i0] += s328;
                    a.grad3[i0] += s336;
                }

                /// <summary>The storage and sizes kernel 29 reads and writes.</summary>
                internal struct Kernel29Args
                {
                    public global::ILGPU.ArrayView<float> buffer53;
                    public global::ILGPU.ArrayView<float> buffer52;
                }

                // Kernel 29/31: narrow_backward + epilogue (add) -> %334 [N,4,5]
                // %312 = narrow_backward{dim=1;length=3;size=4;start=1}(%311) : [N,4,5]
                // %334 = add(%312, %333) : [N,4,5]
                internal static void Kernel29(global::ILGPU.Index1D index, Kernel29Args a)
                {
                    int rest = index.X;
                    int i0 = rest;
                    float s312 = a.buffer53[i0];
                    float s333 = a.buffer52[i0];
                    float s334 = s312 + s333;
                    a.buffer53[i0] = s334;
                }
            }

