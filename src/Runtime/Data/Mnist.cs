using System.Buffers.Binary;
using System.IO.Compression;

namespace Kiln.Data;

/// <summary>How <see cref="Mnist"/> shapes the images: one row of 784 pixels per image, or one 1×28×28 channel.</summary>
public enum MnistLayout
{
    /// <summary>[N, rows·cols], the input of a Linear layer.</summary>
    Flat,

    /// <summary>[N, 1, rows, cols], the input of a Conv2d layer.</summary>
    Image,
}

/// <summary>One split of an MNIST-format dataset: images scaled to [0, 1] and their class labels.</summary>
public sealed record MnistSplit(Tensor Images, IntTensor Labels)
{
    /// <summary>The number of examples.</summary>
    public int Count => Labels.Size(0);

    /// <summary>Images and labels as a dataset for a <see cref="DataLoader"/>: batches deconstruct as <c>(x, y)</c>.</summary>
    public TensorDataset ToDataset() => new(Images, Labels);
}

/// <summary>
/// MNIST and Fashion-MNIST (torchvision.datasets.MNIST / FashionMNIST without the download): reads the IDX files
/// Yann LeCun's site and Zalando ship, plain or gzip-compressed (detected from the content, not the name). Images
/// (<c>idx3-ubyte</c>: magic 0x00000803, count, rows, cols, then unsigned bytes) become a float tensor scaled to
/// [0, 1] as torchvision's ToTensor does; labels (<c>idx1-ubyte</c>: magic 0x00000801, count, then bytes) an
/// <see cref="IntTensor"/>. Every format error names the file.
/// </summary>
public static class Mnist
{
    public const int ImageMagic = 0x00000803, LabelMagic = 0x00000801;

    /// <summary>The standard file names of a split, without the optional <c>.gz</c>.</summary>
    public static (string Images, string Labels) FileNames(bool train) =>
        train ? ("train-images-idx3-ubyte", "train-labels-idx1-ubyte") : ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /// <summary>
    /// The training (<paramref name="train"/>) or test split in <paramref name="folder"/>, found under the standard
    /// names (<c>train-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, …), each plain or with <c>.gz</c>;
    /// the mirrors' <c>train-images.idx3-ubyte</c> spelling is accepted too. <paramref name="limit"/> keeps the first
    /// examples only.
    /// </summary>
    public static MnistSplit Load(string folder, bool train = true, MnistLayout layout = MnistLayout.Flat, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Mnist: the folder '{folder}' does not exist.");
        var (imagesName, labelsName) = FileNames(train);
        string imagesPath = Find(folder, imagesName);
        string labelsPath = Find(folder, labelsName);
        var images = ReadImages(imagesPath, layout, limit);
        var labels = ReadLabels(labelsPath, limit);
        if (images.Size(0) != labels.Size(0))
            throw new InvalidDataException($"Mnist: '{imagesPath}' holds {images.Size(0)} images but '{labelsPath}' holds {labels.Size(0)} labels.");
        return new MnistSplit(images, labels);
    }

    /// <summary>Whether <paramref name="folder"/> holds both splits under the standard names.</summary>
    public static bool Exists(string folder)
    {
        if (!Directory.Exists(folder)) return false;
        foreach (bool train in new[] { true, false })
        {
            var (images, labels) = FileNames(train);
            if (TryFind(folder, images) is null || TryFind(folder, labels) is null) return false;
        }
        return true;
    }

    /// <summary>
    /// An <c>idx3-ubyte</c> image file as floats in [0, 1]: [N, rows·cols] (<see cref="MnistLayout.Flat"/>) or
    /// [N, 1, rows, cols]. <paramref name="limit"/> reads the first examples only.
    /// </summary>
    public static Tensor ReadImages(string path, MnistLayout layout = MnistLayout.Flat, int? limit = null)
    {
        var bytes = ReadAll(path);
        var header = Header(bytes, path, ImageMagic, "images (idx3-ubyte)", dimensions: 3);
        int count = Limit(header[0], limit, path);
        int rows = header[1], cols = header[2];
        if (rows <= 0 || cols <= 0) throw new InvalidDataException($"Mnist: '{path}' declares images of {rows}x{cols} pixels.");
        long pixels = (long)rows * cols;
        long needed = 16 + header[0] * pixels;
        if (bytes.Length < needed)
            throw new InvalidDataException($"Mnist: '{path}' is truncated: its header declares {header[0]} images of {rows}x{cols} ({needed:N0} bytes), but it holds {bytes.Length:N0} bytes.");
        if (count * pixels > Array.MaxLength) throw new InvalidDataException($"Mnist: '{path}' holds more pixels than one tensor can.");
        var data = new float[count * pixels];
        var source = bytes.AsSpan(16, data.Length);
        for (int i = 0; i < data.Length; i++) data[i] = source[i] / 255f;
        return layout == MnistLayout.Flat ? Tensor.Wrap(data, count, (int)pixels) : Tensor.Wrap(data, count, 1, rows, cols);
    }

    /// <summary>An <c>idx1-ubyte</c> label file as an <see cref="IntTensor"/> [N]; <paramref name="limit"/> reads the first labels only.</summary>
    public static IntTensor ReadLabels(string path, int? limit = null)
    {
        var bytes = ReadAll(path);
        var header = Header(bytes, path, LabelMagic, "labels (idx1-ubyte)", dimensions: 1);
        int count = Limit(header[0], limit, path);
        if (bytes.Length < 8L + header[0])
            throw new InvalidDataException($"Mnist: '{path}' is truncated: its header declares {header[0]} labels ({8 + header[0]:N0} bytes), but it holds {bytes.Length:N0} bytes.");
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = bytes[8 + i];
        return IntTensor.Wrap(labels, count);
    }

    static string Find(string folder, string name) =>
        TryFind(folder, name) ?? throw new FileNotFoundException(
            $"Mnist: found neither '{name}' nor '{name}.gz' in '{folder}' (the standard MNIST / Fashion-MNIST file names).", Path.Combine(folder, name));

    static string? TryFind(string folder, string name)
    {
        // "train-images-idx3-ubyte" is also distributed as "train-images.idx3-ubyte".
        int dash = name.LastIndexOf('-', name.Length - "-ubyte".Length - 1);
        string dotted = name[..dash] + "." + name[(dash + 1)..];
        foreach (var candidate in new[] { name, name + ".gz", dotted, dotted + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>The file's content, gunzipped when it starts with the gzip magic bytes 1f 8b.</summary>
    static byte[] ReadAll(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Mnist: '{path}' does not exist.", path);
        var raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream(raw.Length * 4);
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Mnist: '{path}' starts like a gzip file but does not decompress: {e.Message}", e);
        }
    }

    /// <summary>Checks the magic number and returns the <paramref name="dimensions"/> big-endian sizes after it.</summary>
    static int[] Header(byte[] bytes, string path, int magic, string what, int dimensions)
    {
        // The magic number first: a label file passed as images is more often the mistake than a truncated header.
        int actual = bytes.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(bytes) : magic;
        if (actual != magic)
        {
            string hint = actual == ImageMagic ? " (an image file)" : actual == LabelMagic ? " (a label file)" : "";
            throw new InvalidDataException($"Mnist: '{path}' has magic number 0x{actual:X8}{hint}, but {what} have 0x{magic:X8}.");
        }
        if (bytes.Length < 4 + 4 * dimensions)
            throw new InvalidDataException($"Mnist: '{path}' is too short ({bytes.Length} bytes) to hold an IDX header for {what}.");
        var sizes = new int[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            sizes[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (sizes[d] < 0) throw new InvalidDataException($"Mnist: '{path}' declares a negative size {sizes[d]} in its header.");
        }
        return sizes;
    }

    static int Limit(int count, int? limit, string path)
    {
        if (limit is null) return count;
        if (limit < 0) throw new ArgumentOutOfRangeException(nameof(limit), $"Mnist: limit must not be negative, got {limit} (reading '{path}').");
        return Math.Min(count, limit.Value);
    }
}
