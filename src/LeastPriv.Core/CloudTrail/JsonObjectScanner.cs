using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Finds where a JSON object ends without tokenizing it. It jumps from brace to brace (and to
/// backslashes) with vectorized searches and tells a brace inside a string from a structural
/// one by the parity of the quotes before it, counted a vector at a time; a backslash skips the
/// byte it escapes, so <c>\"</c> never counts. It does not validate the JSON between the braces:
/// whoever uses the object's bytes parses them.
/// </summary>
internal static class JsonObjectScanner
{
    // Not in netstandard2.0's enum; the runtime honours it: the scan loops run hot from their first call.
    private const MethodImplOptions Hot = (MethodImplOptions)512;

    // TailMasks[n .. n + Count) selects the last n lanes of a vector.
    private static readonly byte[] TailMasks = CreateTailMasks();

    /// <summary>
    /// The length of the object that starts at <paramref name="json"/>[0] (which must be
    /// <c>{</c>), or -1 when <paramref name="json"/> ends before the object does.
    /// <paramref name="hasBackslash"/> tells whether the object's bytes hold a backslash (when
    /// the length is -1: whether the bytes seen do).
    /// </summary>
    [MethodImpl(Hot)]
    public static int ObjectLength(ReadOnlySpan<byte> json, out bool hasBackslash)
    {
        hasBackslash = false;
        var depth = 0;
        var inString = false;
        var i = 0;
        while (true)
        {
            var rest = json.Slice(i);
            var next = rest.IndexOfAny((byte)'{', (byte)'}', (byte)'\\');
            if (next < 0)
            {
                return -1;
            }

            if (HasOddQuoteCount(rest.Slice(0, next)))
            {
                inString = !inString;
            }

            i += next;
            var b = json[i];
            if (b == (byte)'\\')
            {
                hasBackslash = true;

                // Only inside a string: \" and \\ must not count; \uXXXX holds neither quote nor brace.
                i += 2;
                if (i > json.Length)
                {
                    return -1;
                }

                continue;
            }

            i++;
            if (inString)
            {
                continue;
            }

            if (b == (byte)'{')
            {
                depth++;
            }
            else if (--depth == 0)
            {
                return i;
            }
        }
    }

    [MethodImpl(Hot)]
    private static bool HasOddQuoteCount(ReadOnlySpan<byte> text)
    {
        var count = Vector<byte>.Count;
        if (!Vector.IsHardwareAccelerated || text.Length < count)
        {
            var odd = false;
            foreach (var b in text)
            {
                odd ^= b == (byte)'"';
            }

            return odd;
        }

        // Each lane flips between 0x00 and 0xFF at every quote it sees; the parity is that of the 0xFF lanes.
        var quote = new Vector<byte>((byte)'"');
        var lanes = Vector<byte>.Zero;
        var whole = text.Length / count;
        var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(text.Slice(0, whole * count));
        for (var v = 0; v < vectors.Length; v++)
        {
            lanes ^= Vector.Equals(vectors[v], quote);
        }

        var tail = text.Length - (whole * count);
        if (tail > 0)
        {
            // The last whole vector of the text, keeping only the lanes not yet counted.
            var last = MemoryMarshal.Read<Vector<byte>>(text.Slice(text.Length - count));
            var mask = MemoryMarshal.Read<Vector<byte>>(new ReadOnlySpan<byte>(TailMasks, tail, count));
            lanes ^= Vector.Equals(last, quote) & mask;
        }

        var words = Vector.AsVectorUInt64(lanes);
        ulong x = 0;
        for (var k = 0; k < Vector<ulong>.Count; k++)
        {
            x ^= words[k];
        }

        x ^= x >> 32;
        x ^= x >> 16;
        x ^= x >> 8;
        return (x & 1) != 0;
    }

    private static byte[] CreateTailMasks()
    {
        var count = Vector<byte>.Count;
        var masks = new byte[2 * count];
        for (var i = count; i < masks.Length; i++)
        {
            masks[i] = 0xFF;
        }

        return masks;
    }
}
