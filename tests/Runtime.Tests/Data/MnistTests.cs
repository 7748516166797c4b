using System.Buffers.Binary;
using System.IO.Compression;
using Kiln.Data;

namespace Kiln.Runtime.Tests.Data;

/// <summary>The IDX reader on tiny files written here: 3 images of 2×3 pixels, plain and gzip, and broken ones.</summary>
public sealed class MnistTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("kiln-mnist-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static readonly byte[] Pixels = { 0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6, 255, 255, 0, 0, 128, 64 };
    static readonly byte[] LabelBytes = { 7, 0, 9 };

    static byte[] Idx(int magic, int[] sizes, byte[] payload)
    {
        var bytes = new byte[4 + 4 * sizes.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < sizes.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), sizes[i]);
        payload.CopyTo(bytes, 4 + 4 * sizes.Length);
        return bytes;
    }

    static byte[] ImageFile(int count = 3) => Idx(Mnist.ImageMagic, new[] { count, 2, 3 }, Pixels);
    static byte[] LabelFile(int count = 3) => Idx(Mnist.LabelMagic, new[] { count }, LabelBytes);

    static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    string Write(string name, byte[] content)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    void WriteSplits(bool gzip)
    {
        foreach (bool train in new[] { true, false })
        {
            var (images, labels) = Mnist.FileNames(train);
            string suffix = gzip ? ".gz" : "";
            Write(images + suffix, gzip ? Gzip(ImageFile()) : ImageFile());
            Write(labels + suffix, gzip ? Gzip(LabelFile()) : LabelFile());
        }
    }

    static float[] ExpectedPixels => Pixels.Select(b => b / 255f).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadsBothSplitsFromTheStandardNames_PlainOrGzip(bool gzip)
    {
        WriteSplits(gzip);
        Assert.True(Mnist.Exists(folder));
        foreach (bool train in new[] { true, false })
        {
            var split = Mnist.Load(folder, train);
            Assert.Equal(3, split.Count);
            Assert.Equal(new[] { 3, 6 }, split.Images.Shape);
            Assert.Equal(ExpectedPixels, split.Images.ToArray());
            Assert.Equal(new[] { 7, 0, 9 }, split.Labels.ToArray());
            Assert.InRange(split.Images.ToArray().Min(), 0f, 0f);
            Assert.Equal(1f, split.Images.ToArray().Max());
        }
    }

    [Fact]
    public void ImageLayoutIsOneChannelPerImage_AndLimitKeepsTheFirstExamples()
    {
        WriteSplits(gzip: true);
        var split = Mnist.Load(folder, train: false, MnistLayout.Image, limit: 2);
        Assert.Equal(new[] { 2, 1, 2, 3 }, split.Images.Shape);
        Assert.Equal(ExpectedPixels.Take(12), split.Images.ToArray());
        Assert.Equal(new[] { 7, 0 }, split.Labels.ToArray());

        var (x, y) = new DataLoader(split.ToDataset(), batchSize: 2).First();
        Assert.Equal(new[] { 2, 1, 2, 3 }, x.Shape);
        Assert.Equal(new[] { 7, 0 }, ((IntTensor)y).ToArray());
    }

    [Fact]
    public void GzipIsDetectedFromTheContent_NotTheName()
    {
        var path = Write("images-without-suffix", Gzip(ImageFile()));
        Assert.Equal(ExpectedPixels, Mnist.ReadImages(path).ToArray());
    }

    [Fact]
    public void TheMirrorsDottedNamesAreFoundToo()
    {
        Write("train-images.idx3-ubyte", ImageFile());
        Write("train-labels.idx1-ubyte.gz", Gzip(LabelFile()));
        Assert.Equal(new[] { 7, 0, 9 }, Mnist.Load(folder).Labels.ToArray());
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        Write("train-images-idx3-ubyte.gz", Gzip(ImageFile()));
        Assert.False(Mnist.Exists(folder));
        var e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(folder));
        Assert.Contains("train-labels-idx1-ubyte", e.Message);
        Assert.Contains(folder, e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => Mnist.Load(Path.Combine(folder, "absent")));
    }

    [Fact]
    public void AWrongMagicNumberNamesTheFileAndWhatItHolds()
    {
        var path = Write("swapped", LabelFile());
        var e = Assert.Throws<InvalidDataException>(() => Mnist.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("0x00000801 (a label file)", e.Message);
        Assert.Contains("0x00000803", e.Message);
    }

    [Fact]
    public void ATruncatedFileNamesTheFileAndBothSizes()
    {
        var bytes = ImageFile();
        var path = Write("truncated.gz", Gzip(bytes[..^5]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains($"{bytes.Length} bytes", e.Message);

        var labels = Write("labels", Idx(Mnist.LabelMagic, new[] { 5 }, LabelBytes));
        Assert.Contains("declares 5 labels", Assert.Throws<InvalidDataException>(() => Mnist.ReadLabels(labels)).Message);
        var header = Write("header", new byte[] { 0, 0, 8 });
        Assert.Contains("too short", Assert.Throws<InvalidDataException>(() => Mnist.ReadLabels(header)).Message);
    }

    [Fact]
    public void ACorruptGzipStreamNamesTheFile()
    {
        var compressed = Gzip(ImageFile());
        for (int i = 10; i < compressed.Length - 8; i++) compressed[i] ^= 0x5a;
        var path = Write("corrupt.gz", compressed);
        var e = Assert.Throws<InvalidDataException>(() => Mnist.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ImagesAndLabelsOfDifferentCountsAreAnError()
    {
        Write("train-images-idx3-ubyte", ImageFile());
        Write("train-labels-idx1-ubyte", Idx(Mnist.LabelMagic, new[] { 2 }, LabelBytes[..2]));
        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(folder));
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }
}
