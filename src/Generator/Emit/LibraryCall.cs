using Kiln.Generator.Graph;
using Kiln.Generator.Schedule;

namespace Kiln.Generator.Emit;

/// <summary>
/// What a backend's lowering of a library op sees: the writer, the kernel, the op's node and how storage is named.
/// Every backend's lowering table takes one (<see cref="LibraryLowering"/>), so a lowering reads its operands the same way.
/// </summary>
internal readonly struct LibraryCall
{
    public LibraryCall(CodeWriter writer, Kernel kernel, Node node, IStorageNames names)
    {
        W = writer;
        Kernel = kernel;
        Node = node;
        Names = names;
    }

    public CodeWriter W { get; }
    public Kernel Kernel { get; }
    public Node Node { get; }
    public IStorageNames Names { get; }
    public string In(int i) => Names.Buffer(Node.Inputs[i]);
    public string Out => Names.Buffer(Node);
    public string Size(Size s) => Names.Size(s);
}

/// <summary>One backend's spelling of one library op.</summary>
internal delegate void LibraryLowering(LibraryCall c);
