using Kiln.Accelerators;
using Kiln.Samples.Accelerators;

// dotnet run -c Release --project samples/Accelerators -- --device cpu|ilgpu-cpu|cuda --steps N
string deviceName = "cpu";
int steps = 20;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--device" when i + 1 < args.Length:
            deviceName = args[++i];
            break;
        case "--steps" when i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0:
            steps = n;
            i++;
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: --device cpu|ilgpu-cpu|cuda --steps N");
            return 2;
    }
}

try
{
    var device = KilnDevice.Parse(deviceName);
    Console.WriteLine($"MLP 64 -> 32 (ReLU) -> 10, cross-entropy, batch {Training.Batch}, Adam (lr 0.01), {steps} step(s) on {device}");
    Training.Run(device, steps, Console.Out);
    return 0;
}
catch (Exception e) when (e is DeviceUnavailableException or ArgumentException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
