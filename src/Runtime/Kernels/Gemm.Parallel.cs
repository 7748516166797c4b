namespace Kiln.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>
    /// Multiply-adds (about 4 MFLOP) below which a call stays on the caller's thread: waking a worker costs
    /// microseconds, which only pays off once the product itself takes a few tens of them.
    /// </summary>
    const long ParallelMacs = 2_000_000;

    /// <summary>
    /// Threads a large product may use, the caller's included (1 = never split): the same setting as
    /// <see cref="Kiln.Threads.Max"/>, which bounds every parallel kernel, not only the GEMM.
    /// </summary>
    public static int MaxThreads
    {
        get => Kiln.Threads.Max;
        set => Kiln.Threads.Max = value;
    }

    static readonly object poolGate = new();
    static Worker[] workers = Array.Empty<Worker>();

    /// <summary>
    /// Splits C into row or column strips along whichever dimension has more micro-tiles, offers all but the first
    /// strip to idle persistent workers and computes the first itself. A strip no worker has picked up by then is
    /// computed by the caller too, so on a busy machine, where a woken worker may wait a whole time slice for a
    /// core, a split product costs little more than a serial one. Returns false (the caller then runs serially)
    /// when another thread holds the pool, no worker is idle, or the product has too few tiles to split.
    /// </summary>
    static bool TryMultiplyParallel(in Problem p)
    {
        if (!Monitor.TryEnter(poolGate)) return false;
        try
        {
            int tileRows = p.Level == SimdLevel.Scalar ? 1 : TileRows(p.Level);
            int tileColumns = p.Level == SimdLevel.Scalar ? 1 : TileColumns(p.Level);
            int blocksM = (p.M + tileRows - 1) / tileRows, blocksN = (p.N + tileColumns - 1) / tileColumns;
            bool byRows = blocksM >= blocksN;
            int blocks = byRows ? blocksM : blocksN;
            int tile = byRows ? tileRows : tileColumns;
            int wanted = Math.Min(MaxThreads, blocks) - 1;
            if (wanted < 1) return false;
            EnsureWorkers(wanted);

            // Workers still finishing (or acknowledging) an earlier strip are skipped, never waited for.
            Span<int> helpers = stackalloc int[wanted];
            int helperCount = 0;
            for (int w = 0; w < workers.Length && helperCount < wanted; w++)
                if (workers[w].IsIdle) helpers[helperCount++] = w;
            if (helperCount == 0) return false;
            int parts = helperCount + 1;

            Span<bool> withdrawn = stackalloc bool[helperCount];
            int settled = 0;
            for (int h = 0; h < helperCount; h++) workers[helpers[h]].Offer(Strip(p, h + 1, parts, blocks, byRows, tile));
            try
            {
                MultiplySerial(Strip(p, 0, parts, blocks, byRows, tile));
                for (int h = 0; h < helperCount; h++)
                {
                    withdrawn[h] = workers[helpers[h]].TryWithdraw();
                    settled = h + 1;
                    if (withdrawn[h]) MultiplySerial(Strip(p, h + 1, parts, blocks, byRows, tile));
                }
            }
            finally
            {
                // Even when the caller's own part failed, no worker may still be writing into C once the caller's
                // buffers are unpinned: take back what has not started, wait for the rest.
                for (int h = settled; h < helperCount; h++) withdrawn[h] = workers[helpers[h]].TryWithdraw();
                for (int h = 0; h < helperCount; h++)
                    if (!withdrawn[h]) workers[helpers[h]].WaitForStrip();
            }
            return true;
        }
        finally
        {
            Monitor.Exit(poolGate);
        }
    }

    static Problem Strip(in Problem p, int part, int parts, int blocks, bool byRows, int tile)
    {
        int firstBlock = (int)((long)blocks * part / parts), endBlock = (int)((long)blocks * (part + 1) / parts);
        int extent = byRows ? p.M : p.N;
        int start = firstBlock * tile, end = Math.Min(extent, endBlock * tile);
        return byRows ? p.Rows(start, end - start) : p.Columns(start, end - start);
    }

    static void EnsureWorkers(int count)
    {
        if (workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(workers, grown, workers.Length);
        for (int i = workers.Length; i < count; i++) grown[i] = new Worker();
        workers = grown;
    }

    /// <summary>
    /// A background thread that runs at most one offered strip at a time; offering allocates nothing. Exactly one
    /// of the worker and the offering caller claims each strip (an interlocked exchange decides). The worker signals
    /// <c>done</c> before it clears <c>pending</c>, so once a caller sees it idle no late signal from an earlier
    /// round can reach the next one.
    /// </summary>
    sealed class Worker
    {
        // Spin briefly before blocking: consecutive large GEMMs (a forward then its backward) arrive within microseconds.
        const int SpinCount = 2000;
        readonly ManualResetEventSlim start = new(false, SpinCount);
        readonly ManualResetEventSlim done = new(false, SpinCount);
        Problem job;
        int pending;
        int claimed;
        Exception? failure;

        public Worker()
        {
            var thread = new Thread(Run) { IsBackground = true, Name = "Kiln GEMM worker" };
            thread.Start();
        }

        public bool IsIdle => Volatile.Read(ref pending) == 0;

        public void Offer(in Problem problem)
        {
            job = problem;
            failure = null;
            done.Reset();
            Volatile.Write(ref claimed, 0);
            Volatile.Write(ref pending, 1);
            start.Set();
        }

        /// <summary>Takes the strip back if the worker has not started it; the caller then computes it.</summary>
        public bool TryWithdraw() => Interlocked.Exchange(ref claimed, 1) == 0;

        /// <summary>Waits for the strip the worker claimed and rethrows its failure.</summary>
        public void WaitForStrip()
        {
            done.Wait();
            if (failure is not null) throw new InvalidOperationException("Gemm: a worker thread failed.", failure);
        }

        void Run()
        {
            while (true)
            {
                start.Wait();
                start.Reset();
                if (Interlocked.Exchange(ref claimed, 1) == 0)
                {
                    try
                    {
                        MultiplySerial(job);
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                    }
                }
                done.Set();
                Volatile.Write(ref pending, 0);
            }
        }
    }
}
