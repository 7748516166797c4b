using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Kiln.Nn;

/// <summary>
/// The checkpoint file format of <see cref="Module.Save"/>: the magic "KILNSD01", the entry count (int32), then
/// per entry its UTF-8 name (length-prefixed), rank (int32), dimensions (int32 each) and float32 values, all
/// little-endian. Small and self-describing, so a reader can name what a file holds before loading it.
/// </summary>
public static class Checkpoint
{
    static ReadOnlySpan<byte> Magic => "KILNSD01"u8;

    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> state, string path)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(state.Count);
                    foreach (var (name, tensor) in state)
                    {
                        writer.Write(name);
                        writer.Write(tensor.Rank);
                        foreach (int d in tensor.Dims) writer.Write(d);
                        WriteFloats(writer, tensor.Data);
                    }
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Reads every entry of a checkpoint, in file order.</summary>
    public static OrderedDictionary<string, Tensor> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            Span<byte> magic = stackalloc byte[8];
            reader.BaseStream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic)) throw new InvalidDataException($"Load: {path} is not a Kiln checkpoint (wrong header).");
            int count = reader.ReadInt32();
            if (count < 0) throw new InvalidDataException($"Load: {path} is corrupt (negative entry count {count}).");
            var state = new OrderedDictionary<string, Tensor>();
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                int rank = reader.ReadInt32();
                if (rank < 0 || rank > 64) throw new InvalidDataException($"Load: {path} is corrupt (entry {name} has rank {rank}).");
                var shape = new int[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt32();
                    if (shape[d] < 0) throw new InvalidDataException($"Load: {path} is corrupt (entry {name} has a negative dimension).");
                    elements *= shape[d];
                }
                if (elements > (stream.Length - stream.Position) / sizeof(float))
                    throw new InvalidDataException($"Load: {path} is truncated (entry {name} of shape {ShapeUtil.Format(shape)} runs past the end).");
                var data = new float[elements];
                ReadFloats(reader, data);
                if (!state.TryAdd(name, Tensor.Wrap(data, shape)))
                    throw new InvalidDataException($"Load: {path} is corrupt (entry {name} appears twice).");
            }
            return state;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Load: {path} is truncated.", e);
        }
    }

    static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        foreach (float v in values) writer.Write(v); // BinaryWriter writes little-endian on every platform
    }

    static void ReadFloats(BinaryReader reader, float[] destination)
    {
        var bytes = MemoryMarshal.AsBytes(destination.AsSpan());
        reader.BaseStream.ReadExactly(bytes);
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < destination.Length; i++)
                destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(destination[i])));
    }
}
