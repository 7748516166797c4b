namespace Kiln.Kernels;

public static unsafe partial class Gemm
{
    /// <summary>
    /// Multiply-adds (about 4 MFLOP) below which a call stays on the caller's thread: waking a worker costs
    /// microseconds, which only pays off once the product itself takes a few tens of them.
    /// </summary>
    const long ParallelMacs = 2_000_000;

    static int maxThreads = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>Threads a large product may use, the caller's included (1 = never split). Defaults to the core count, at most 8.</summary>
    public static int MaxThreads
    {
        get => maxThreads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "Gemm.MaxThreads: at least one thread is needed.");
            maxThreads = value;
        }
    }

    static readonly object poolGate = new();
    static Worker[] workers = Array.Empty<Worker>();

    /// <summary>
    /// Splits C into row or column strips along whichever dimension has more micro-tiles, hands all but the first
    /// strip to persistent workers and computes the first itself. Returns false (the caller then runs serially)
    /// when another thread holds the pool or the product has too few tiles to split.
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
            int parts = Math.Min(MaxThreads, blocks);
            if (parts < 2) return false;
            EnsureWorkers(parts - 1);

            for (int part = 1; part < parts; part++) workers[part - 1].Start(Strip(p, part, parts, blocks, byRows, byRows ? tileRows : tileColumns));
            MultiplySerial(Strip(p, 0, parts, blocks, byRows, byRows ? tileRows : tileColumns));
            for (int part = 1; part < parts; part++) workers[part - 1].Wait();
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

    /// <summary>A background thread that runs one strip at a time; handing it work allocates nothing.</summary>
    sealed class Worker
    {
        // Spin briefly before blocking: consecutive large GEMMs (a forward then its backward) arrive within microseconds.
        const int SpinCount = 2000;
        readonly ManualResetEventSlim start = new(false, SpinCount);
        readonly ManualResetEventSlim done = new(false, SpinCount);
        Problem job;
        Exception? failure;

        public Worker()
        {
            var thread = new Thread(Run) { IsBackground = true, Name = "Kiln GEMM worker" };
            thread.Start();
        }

        public void Start(in Problem problem)
        {
            job = problem;
            failure = null;
            done.Reset();
            start.Set();
        }

        public void Wait()
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
                try
                {
                    MultiplySerial(job);
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
                done.Set();
            }
        }
    }
}
