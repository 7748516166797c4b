using Kiln.Data;

namespace Kiln.Samples.RnnClassifier;

/// <summary>
/// The tutorial's data: strings of 5 or 6 letters over a–z, A–Z; label 0 if the string contains 'a', else 1 if it
/// contains 'b', else 2 if it contains 'c'. Letters are indices 1..52 ('a' = 1 … 'z' = 26, 'A' = 27 … 'Z' = 52) and a
/// 5-letter string is padded at the end with index 0, which the Embedding keeps at zero.
/// </summary>
/// <remarks>
/// Uniformly random strings would mostly (≈ 72 %) contain none of a, b, c and so have no label, and among the rest
/// class 0 would dominate. So each string draws its class first (uniformly), then its letters from those the class
/// allows (class 1 never has an 'a'; class 2 neither 'a' nor 'b'), then puts the class's letter at a random position:
/// the classes come out balanced and every string's label follows the rule above.
/// </remarks>
public static class Strings
{
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    public const int AlphabetSize = 52, MinLength = 5, MaxLength = 6;

    public static string Draw(Rng rng, out int label)
    {
        label = rng.NextInt(0, 3);
        var letters = new char[rng.NextInt(MinLength, MaxLength + 1)];
        for (int i = 0; i < letters.Length; i++)
        {
            char c;
            do c = Alphabet[rng.NextInt(0, AlphabetSize)]; while (c - 'a' < label && c >= 'a');   // class k: none of the first k letters
            letters[i] = c;
        }
        letters[rng.NextInt(0, letters.Length)] = (char)('a' + label);
        return new string(letters);
    }

    /// <summary>The rule itself: 0 for an 'a', else 1 for a 'b', else 2 for a 'c'; -1 for none.</summary>
    public static int Label(string s) => s.Contains('a') ? 0 : s.Contains('b') ? 1 : s.Contains('c') ? 2 : -1;

    /// <summary>Letter indices 1..52, padded with 0 to <see cref="MaxLength"/>.</summary>
    public static int[] Encode(string s)
    {
        var tokens = new int[MaxLength];
        for (int i = 0; i < s.Length; i++) tokens[i] = Alphabet.IndexOf(s[i]) + 1;
        return tokens;
    }

    /// <summary><paramref name="count"/> strings and their labels as a dataset of ([count, 6] tokens, [count] labels).</summary>
    public static (TensorDataset Dataset, string[] Texts, int[] Labels) Make(int count, Rng rng)
    {
        var texts = new string[count];
        var labels = new int[count];
        var tokens = new int[count * MaxLength];
        for (int i = 0; i < count; i++)
        {
            texts[i] = Draw(rng, out labels[i]);
            Encode(texts[i]).CopyTo(tokens, i * MaxLength);
        }
        return (new TensorDataset(IntTensor.FromArray(tokens, count, MaxLength), IntTensor.FromArray(labels, count)), texts, labels);
    }

    public static IntTensor Batch(IEnumerable<string> texts)
    {
        var list = texts.ToList();
        return IntTensor.FromArray(list.SelectMany(Encode).ToArray(), list.Count, MaxLength);
    }
}
