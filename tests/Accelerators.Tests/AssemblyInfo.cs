// The ILGPU CPU accelerator runs one OS thread per simulated GPU thread; on a two-core CI machine tests running side
// by side only slow each other down. And one test discards the shared IlgpuCpu session on purpose.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
