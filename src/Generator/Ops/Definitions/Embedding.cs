using System.Collections.Generic;
using System.Linq;
using Kiln.Generator.Graph;

namespace Kiln.Generator.Ops.Definitions;

/// <summary>Embedding lookup (a gather of weight rows by integer index) and its scatter-add gradient.</summary>
internal static class Embedding
{
    public const string Lookup = "embedding";
    public const string LookupBackward = "embedding_backward";

    public static IEnumerable<OpDef> Definitions()
    {
        yield return new OpDef(Lookup, OpClass.Library)
        {
            MinInputs = 2,
            MaxInputs = 2,
            TakesEpilogue = true,
            AcceptsIntInput = i => i == 0,
            Shape = (inputs, attrs, display) =>
            {
                Shape indices = inputs[0].Shape, weight = inputs[1].Shape;
                if (inputs[0].Type != ElementType.Int) throw new ShapeError($"{display}: indices must be an IntTensor");
                if (weight.Rank != 2) throw new ShapeError($"{display}: weight must be [num_embeddings, dim], got {weight}");
                // The table may have a symbolic row count (Embedding(vocab, dim) from a constructor): the kernels check each
                // index against the bound table's length.
                return new Shape(indices.Dims.Append(weight[1]));
            },
            Evaluate = (it, n) =>
            {
                var weight = it.In(n, 1);
                int dim = it.Dims(n.Inputs[1].Shape)[1];
                return it.In(n, 0).SelectMany(index => weight.Skip((int)index * dim).Take(dim)).ToArray();
            },
            Gradient = c => new Node?[]
            {
                null,
                c.B.Create(LookupBackward, new[] { c.G, c.In(0) },
                    Attrs.Of(("rows", c.In(1).Shape[0].ToString()), ("padding_idx", c.Node.Attrs.Text("padding_idx") ?? "-1"))),
            },
        };
        yield return new OpDef(LookupBackward, OpClass.Library)
        {
            MinInputs = 2,
            MaxInputs = 2,
            CanAccumulate = true,
            AcceptsIntInput = i => i == 1,
            Shape = (inputs, attrs, display) => new Shape(new[] { Size.Parse(attrs.Text("rows") ?? throw new ShapeError($"{display}: missing attribute 'rows'")), inputs[0].Shape[inputs[0].Shape.Rank - 1] }),
            Evaluate = (it, n) =>
            {
                var outDims = it.Dims(n.Shape);
                int dim = outDims[1], skipped = n.Attrs.Int("padding_idx", -1);
                var g = it.In(n, 0);
                var indices = it.In(n, 1);
                var result = new float[Interpreter.Count(outDims)];
                for (int i = 0; i < indices.Length; i++)
                    if ((int)indices[i] != skipped)
                        for (int j = 0; j < dim; j++) result[(int)indices[i] * dim + j] += g[i * dim + j];
                return result;
            },
        };
    }
}
