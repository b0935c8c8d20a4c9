using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

// The kernels clear what they read of their stack buffers themselves.
[module: SkipLocalsInit]

namespace LeastPriv.Core.Vectorized;

/// <summary>
/// The hot loops of LeastPriv's CloudTrail record scan, 64 bytes at a time with the widest
/// vectors the processor has (Vector512, two Vector256 or four Vector128). LeastPriv.Core binds
/// them (through <see cref="JsonScanKernels"/>) when the runtime is .NET 8 or later; its portable
/// scan has the same contract and is the reference the tests hold these to. Not an API for other
/// callers.
/// </summary>
/// <remarks>
/// Each block is turned into bit masks (one bit per byte) of quotes, backslashes and braces.
/// Backslashes escape the byte after them (so <c>\"</c> is no quote and <c>\\</c> is one
/// escaped backslash); the bits inside strings are the prefix XOR of the unescaped quotes,
/// carried from block to block; a brace counts only outside strings. The methods are fully
/// optimised from their first call, so a short run does not spend its time in the JIT's
/// profiling tiers.
/// </remarks>
public static class JsonScan
{
    private const int Block = 64;

    /// <summary>The vectors the kernels run on here: Vector512, Vector256, Vector128 or software.</summary>
    public static string Width =>
        Vector512.IsHardwareAccelerated ? "Vector512"
        : Vector256.IsHardwareAccelerated ? "Vector256"
        : Vector128.IsHardwareAccelerated ? "Vector128"
        : "software";

    /// <summary>
    /// The length of the JSON object that starts at <paramref name="json"/>[0] (which must be
    /// <c>{</c>), or -1 when <paramref name="json"/> ends before the object does.
    /// <paramref name="hasBackslash"/> tells whether the object's bytes hold a backslash (when
    /// the length is -1: whether the bytes seen do).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ObjectLength(ReadOnlySpan<byte> json, out bool hasBackslash) =>
        Vector512.IsHardwareAccelerated ? ObjectLength<Wide512>(json, out hasBackslash)
        : Vector256.IsHardwareAccelerated ? ObjectLength<Wide256>(json, out hasBackslash)
        : ObjectLength<Wide128>(json, out hasBackslash);

    /// <summary><see cref="ObjectLength(ReadOnlySpan{byte}, out bool)"/> on vectors of one width (the tests try each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int ObjectLength<TVectors>(ReadOnlySpan<byte> json, out bool hasBackslash)
        where TVectors : struct, IVectors
    {
        ref var start = ref MemoryMarshal.GetReference(json);
        var length = json.Length;
        var inString = 0UL;      // all ones when the block starts inside a string
        var escapeCarry = 0UL;   // 1 when the block's first byte is escaped
        var backslashes = 0UL;
        var depth = 0;
        var at = 0;
        Span<byte> tail = stackalloc byte[Block];
        while (at < length)
        {
            scoped ref var block = ref Unsafe.Add(ref start, at);
            if (length - at < Block)
            {
                // The last bytes, padded with zeros (no quote, backslash or brace).
                tail.Clear();
                MemoryMarshal.CreateReadOnlySpan(ref block, length - at).CopyTo(tail);
                block = ref MemoryMarshal.GetReference(tail);
            }

            TVectors.Classify(ref block, out var quote, out var backslash, out var open, out var close);
            if ((backslash | escapeCarry) != 0)
            {
                var escaped = Escaped(backslash, ref escapeCarry, out _);
                quote &= ~escaped;
                open &= ~escaped;
                close &= ~escaped;
            }

            var end = ObjectEnd(quote, open, close, ref inString, ref depth);
            if (end >= 0)
            {
                // Padding holds no brace, so the end is within the data.
                hasBackslash = backslashes != 0 || (backslash & Through(end)) != 0;
                return at + end + 1;
            }

            backslashes |= backslash;
            at += Block;
        }

        hasBackslash = backslashes != 0;
        return -1;
    }

    /// <summary>Set in <c>flags</c> of <see cref="ScanRecord"/>: the object holds a backslash.</summary>
    public const int BackslashFlag = 1;

    /// <summary>Set in <c>flags</c> of <see cref="ScanRecord"/>: the object holds the needle.</summary>
    public const int NeedleFlag = 2;

    /// <summary>
    /// Set in <c>flags</c> of <see cref="ScanRecord"/>: the object holds an escape that may stand
    /// for a character of the needle (<c>\uXXXX</c> of one, <c>\/</c> when '/' is one, or a
    /// malformed <c>\u</c>), which could spell the needle in other bytes.
    /// </summary>
    public const int HidingEscapeFlag = 4;

    /// <summary>The farthest anchor <see cref="ScanRecord"/> takes.</summary>
    public const int MaxAnchor = 127;

    /// <summary>
    /// <see cref="ObjectLength"/> and, in the same pass, whether the object holds
    /// <paramref name="lowerNeedle"/> (as <see cref="IndexOfIgnoreAsciiCase"/> finds it, with
    /// anchors of at most <see cref="MaxAnchor"/>) or an escape that could hide one of its
    /// characters: <paramref name="nameCharactersLow"/> (bytes 0-63) and
    /// <paramref name="nameCharactersHigh"/> (64-127) have bit c set for each byte of the
    /// needle in either case. The answers are in <paramref name="flags"/> (valid when the
    /// length is not -1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int ScanRecord(ReadOnlySpan<byte> json, ReadOnlySpan<byte> lowerNeedle, int anchor1, int anchor2, ulong nameCharactersLow, ulong nameCharactersHigh, out int flags) =>
        Vector512.IsHardwareAccelerated ? ScanRecord<Wide512>(json, lowerNeedle, anchor1, anchor2, nameCharactersLow, nameCharactersHigh, out flags)
        : Vector256.IsHardwareAccelerated ? ScanRecord<Wide256>(json, lowerNeedle, anchor1, anchor2, nameCharactersLow, nameCharactersHigh, out flags)
        : ScanRecord<Wide128>(json, lowerNeedle, anchor1, anchor2, nameCharactersLow, nameCharactersHigh, out flags);

    /// <summary><see cref="ScanRecord(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, int, ulong, ulong, out int)"/> on vectors of one width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int ScanRecord<TVectors>(ReadOnlySpan<byte> json, ReadOnlySpan<byte> lowerNeedle, int anchor1, int anchor2, ulong nameCharactersLow, ulong nameCharactersHigh, out int flags)
        where TVectors : struct, IVectors
    {
        var length = json.Length;
        var n = lowerNeedle.Length;
        var reach = Math.Max(anchor1, anchor2);
        if (n == 0 || reach > MaxAnchor || anchor1 >= n || anchor2 >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(lowerNeedle), "The needle must be 1 to 128 bytes long with its anchors inside it.");
        }

        // The last bytes are copied here, zero-padded, so that every load stays inside a buffer.
        Span<byte> pad = stackalloc byte[(3 * Block) + MaxAnchor + 1];
        scoped ref var source = ref MemoryMarshal.GetReference(json);
        var shift = 0;
        var padded = false;

        var a1 = lowerNeedle[anchor1];
        var a2 = lowerNeedle[anchor2];
        var fold1 = default(IgnoreAsciiCase).Fold(a1);
        var fold2 = default(IgnoreAsciiCase).Fold(a2);
        var nameCharacters = new UInt128(nameCharactersHigh, nameCharactersLow);
        var solidus = ((nameCharactersLow >> '/') & 1) != 0;
        var inString = 0UL;
        var escapeCarry = 0UL;
        var backslashes = 0UL;
        var firstNeedle = int.MaxValue;
        var firstHiding = int.MaxValue;
        var depth = 0;
        var at = 0;
        while (at < length)
        {
            if (!padded && length - at < Block + reach)
            {
                pad.Clear();
                json.Slice(at).CopyTo(pad);
                source = ref MemoryMarshal.GetReference(pad);
                shift = at;
                padded = true;
            }

            ref var block = ref Unsafe.Add(ref source, at - shift);
            TVectors.Classify(ref block, out var quote, out var backslash, out var open, out var close);
            if ((backslash | escapeCarry) != 0)
            {
                var startsHere = escapeCarry != 0;
                var escaped = Escaped(backslash, ref escapeCarry, out var starters);
                quote &= ~escaped;
                open &= ~escaped;
                close &= ~escaped;
                if (firstHiding == int.MaxValue)
                {
                    // Escapes whose letter is 'u' (or '/'): the letter is the byte after the starter,
                    // for a starter at the end of the last block the first byte of this one.
                    var letters = TVectors.Equal(ref block, (byte)'u', 0);
                    if (solidus)
                    {
                        letters |= TVectors.Equal(ref block, (byte)'/', 0);
                    }

                    var hits = starters & (letters >> 1);
                    if (startsHere && (letters & 1) != 0)
                    {
                        firstHiding = Hides(json, at - 1, nameCharacters) ? at - 1 : firstHiding;
                    }

                    while (hits != 0 && firstHiding == int.MaxValue)
                    {
                        var bit = BitOperations.TrailingZeroCount(hits);
                        hits &= hits - 1;
                        if (Hides(json, at + bit, nameCharacters))
                        {
                            firstHiding = at + bit;
                        }
                    }
                }
            }

            if (firstNeedle == int.MaxValue)
            {
                var candidates = TVectors.Equal(ref Unsafe.Add(ref block, anchor1), a1, fold1) & TVectors.Equal(ref Unsafe.Add(ref block, anchor2), a2, fold2);
                while (candidates != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(candidates);
                    candidates &= candidates - 1;
                    if (at + bit + n <= length && EqualsAt<IgnoreAsciiCase>(json, at + bit, lowerNeedle))
                    {
                        firstNeedle = at + bit;
                        break;
                    }
                }
            }

            var end = ObjectEnd(quote, open, close, ref inString, ref depth);
            if (end >= 0)
            {
                flags = (backslashes != 0 || (backslash & Through(end)) != 0 ? BackslashFlag : 0)
                    | (firstNeedle <= at + end + 1 - n ? NeedleFlag : 0)
                    | (firstHiding < at + end + 1 ? HidingEscapeFlag : 0);
                return at + end + 1;
            }

            backslashes |= backslash;
            at += Block;
        }

        flags = backslashes != 0 ? BackslashFlag : 0;
        return -1;
    }

    /// <summary>Whether the escape whose backslash is at <paramref name="at"/> may stand for a character of the needle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Hides(ReadOnlySpan<byte> json, int at, UInt128 nameCharacters)
    {
        if (at + 1 >= json.Length)
        {
            return true;
        }

        if (json[at + 1] == (byte)'/')
        {
            return true;
        }

        if (at + 6 > json.Length)
        {
            return true;
        }

        var value = 0;
        for (var i = at + 2; i < at + 6; i++)
        {
            var d = json[i];
            int v = d switch
            {
                >= (byte)'0' and <= (byte)'9' => d - '0',
                >= (byte)'a' and <= (byte)'f' => d - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => d - 'A' + 10,
                _ => -1,
            };
            if (v < 0)
            {
                return true;
            }

            value = (value << 4) | v;
        }

        return value < 128 && ((nameCharacters >> value) & UInt128.One) != UInt128.Zero;
    }

    /// <summary>
    /// Where <paramref name="lowerNeedle"/> (printable ASCII, letters in lower case) first
    /// occurs in <paramref name="text"/> with ASCII letters compared without case, or -1.
    /// Positions are tried where the needle's bytes at <paramref name="anchor1"/> and
    /// <paramref name="anchor2"/> (best the rarest and the last) both match.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfIgnoreAsciiCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle, int anchor1, int anchor2) =>
        Vector512.IsHardwareAccelerated ? IndexOf<IgnoreAsciiCase, Wide512>(text, lowerNeedle, anchor1, anchor2)
        : Vector256.IsHardwareAccelerated ? IndexOf<IgnoreAsciiCase, Wide256>(text, lowerNeedle, anchor1, anchor2)
        : IndexOf<IgnoreAsciiCase, Wide128>(text, lowerNeedle, anchor1, anchor2);

    /// <summary>Where <paramref name="needle"/> first occurs in <paramref name="text"/>, byte for byte, or -1; anchors as above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfOrdinal(ReadOnlySpan<byte> text, ReadOnlySpan<byte> needle, int anchor1, int anchor2) =>
        Vector512.IsHardwareAccelerated ? IndexOf<Ordinal, Wide512>(text, needle, anchor1, anchor2)
        : Vector256.IsHardwareAccelerated ? IndexOf<Ordinal, Wide256>(text, needle, anchor1, anchor2)
        : IndexOf<Ordinal, Wide128>(text, needle, anchor1, anchor2);

    /// <summary>The searches on vectors of one width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOf<TCase, TVectors>(ReadOnlySpan<byte> text, ReadOnlySpan<byte> needle, int anchor1, int anchor2)
        where TCase : struct, ICase
        where TVectors : struct, IVectors
    {
        var n = needle.Length;
        var last = text.Length - n;
        if (n == 0 || last < 0)
        {
            return n == 0 ? 0 : -1;
        }

        ref var t = ref MemoryMarshal.GetReference(text);
        var a1 = needle[anchor1];
        var a2 = needle[anchor2];
        var fold1 = default(TCase).Fold(a1);
        var fold2 = default(TCase).Fold(a2);
        var at = 0;

        // Whole blocks of start positions; a position whose two anchors match is compared in full.
        while (at + Block - 1 <= last)
        {
            var candidates = TVectors.Equal(ref Unsafe.Add(ref t, at + anchor1), a1, fold1) & TVectors.Equal(ref Unsafe.Add(ref t, at + anchor2), a2, fold2);
            while (candidates != 0)
            {
                var bit = BitOperations.TrailingZeroCount(candidates);
                candidates &= candidates - 1;
                if (EqualsAt<TCase>(text, at + bit, needle))
                {
                    return at + bit;
                }
            }

            at += Block;
        }

        for (; at <= last; at++)
        {
            if (EqualsAt<TCase>(text, at, needle))
            {
                return at;
            }
        }

        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool EqualsAt<TCase>(ReadOnlySpan<byte> text, int at, ReadOnlySpan<byte> needle)
        where TCase : struct, ICase
    {
        for (var i = 0; i < needle.Length; i++)
        {
            if (!default(TCase).Same(text[at + i], needle[i]))
            {
                return false;
            }
        }

        return true;
    }


    /// <summary>
    /// The bits of the bytes the backslashes of this block escape (and the first byte when
    /// <paramref name="carry"/> says the last block ended on an unescaped backslash), in
    /// order, so that an escaped backslash escapes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Escaped(ulong backslash, ref ulong carry, out ulong starters)
    {
        var escaped = carry;
        carry = 0;
        var pending = backslash & ~escaped;

        // The backslashes that start an escape: all of them but the escaped ones.
        starters = pending;
        while (pending != 0)
        {
            var bit = BitOperations.TrailingZeroCount(pending);
            if (bit == 63)
            {
                carry = 1;
                break;
            }

            starters &= ~(1UL << (bit + 1));

            escaped |= 1UL << (bit + 1);

            // Bits up to the escaped byte are settled (all of them when that byte is the last).
            pending &= ~((2UL << (bit + 1)) - 1);
        }

        return escaped;
    }

    /// <summary>
    /// Where in this block the object closes (the bit of its closing brace), or -1: the braces
    /// outside strings move <paramref name="depth"/>; <paramref name="inString"/> carries the
    /// string state from block to block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ObjectEnd(ulong quote, ulong open, ulong close, ref ulong inString, ref int depth)
    {
        var strings = PrefixXor(quote) ^ inString;
        inString = (ulong)((long)strings >> 63);
        open &= ~strings;
        close &= ~strings;
        var closes = BitOperations.PopCount(close);
        if (depth - closes > 0)
        {
            // The object cannot end in this block.
            depth += BitOperations.PopCount(open) - closes;
            return -1;
        }

        var braces = open | close;
        while (braces != 0)
        {
            var bit = BitOperations.TrailingZeroCount(braces);
            braces &= braces - 1;
            if (((open >> bit) & 1) != 0)
            {
                depth++;
            }
            else if (--depth == 0)
            {
                return bit;
            }
        }

        return -1;
    }

    /// <summary>The bits 0..<paramref name="bit"/>.</summary>
    private static ulong Through(int bit) => bit == 63 ? ~0UL : (2UL << bit) - 1;

    /// <summary>Bit i of the result is the XOR of bits 0..i: 1 from an opening quote up to (not including) its closing one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PrefixXor(ulong x)
    {
        if (Pclmulqdq.IsSupported)
        {
            // A carry-less multiply by all ones is the prefix XOR in one instruction.
            return Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(x), Vector128.Create(ulong.MaxValue), 0).ToScalar();
        }

        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }

    /// <summary>One width of vectors: 64 bytes to bit masks.</summary>
    internal interface IVectors
    {
        /// <summary>The masks of quotes, backslashes, and opening and closing braces of the 64 bytes at <paramref name="block"/>.</summary>
        static abstract void Classify(ref byte block, out ulong quote, out ulong backslash, out ulong open, out ulong close);

        /// <summary>The mask of the 64 bytes at <paramref name="block"/> equal to <paramref name="value"/> once OR-ed with <paramref name="fold"/>.</summary>
        static abstract ulong Equal(ref byte block, byte value, byte fold);
    }

    internal readonly struct Wide512 : IVectors
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Classify(ref byte block, out ulong quote, out ulong backslash, out ulong open, out ulong close)
        {
            var v = Vector512.LoadUnsafe(ref block);
            quote = Vector512.Equals(v, Vector512.Create((byte)'"')).ExtractMostSignificantBits();
            backslash = Vector512.Equals(v, Vector512.Create((byte)'\\')).ExtractMostSignificantBits();
            open = Vector512.Equals(v, Vector512.Create((byte)'{')).ExtractMostSignificantBits();
            close = Vector512.Equals(v, Vector512.Create((byte)'}')).ExtractMostSignificantBits();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Equal(ref byte block, byte value, byte fold) =>
            Vector512.Equals(Vector512.LoadUnsafe(ref block) | Vector512.Create(fold), Vector512.Create(value)).ExtractMostSignificantBits();
    }

    internal readonly struct Wide256 : IVectors
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Classify(ref byte block, out ulong quote, out ulong backslash, out ulong open, out ulong close)
        {
            var lo = Vector256.LoadUnsafe(ref block);
            var hi = Vector256.LoadUnsafe(ref block, 32);
            quote = Mask(lo, hi, (byte)'"');
            backslash = Mask(lo, hi, (byte)'\\');
            open = Mask(lo, hi, (byte)'{');
            close = Mask(lo, hi, (byte)'}');
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Equal(ref byte block, byte value, byte fold)
        {
            var f = Vector256.Create(fold);
            return Mask(Vector256.LoadUnsafe(ref block) | f, Vector256.LoadUnsafe(ref block, 32) | f, value);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Mask(Vector256<byte> lo, Vector256<byte> hi, byte value)
        {
            var v = Vector256.Create(value);
            return Vector256.Equals(lo, v).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(hi, v).ExtractMostSignificantBits() << 32);
        }
    }

    internal readonly struct Wide128 : IVectors
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Classify(ref byte block, out ulong quote, out ulong backslash, out ulong open, out ulong close)
        {
            var a = Vector128.LoadUnsafe(ref block);
            var b = Vector128.LoadUnsafe(ref block, 16);
            var c = Vector128.LoadUnsafe(ref block, 32);
            var d = Vector128.LoadUnsafe(ref block, 48);
            quote = Mask(a, b, c, d, (byte)'"');
            backslash = Mask(a, b, c, d, (byte)'\\');
            open = Mask(a, b, c, d, (byte)'{');
            close = Mask(a, b, c, d, (byte)'}');
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Equal(ref byte block, byte value, byte fold)
        {
            var f = Vector128.Create(fold);
            return Mask(Vector128.LoadUnsafe(ref block) | f, Vector128.LoadUnsafe(ref block, 16) | f, Vector128.LoadUnsafe(ref block, 32) | f, Vector128.LoadUnsafe(ref block, 48) | f, value);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Mask(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d, byte value)
        {
            var v = Vector128.Create(value);
            return Vector128.Equals(a, v).ExtractMostSignificantBits()
                | ((ulong)Vector128.Equals(b, v).ExtractMostSignificantBits() << 16)
                | ((ulong)Vector128.Equals(c, v).ExtractMostSignificantBits() << 32)
                | ((ulong)Vector128.Equals(d, v).ExtractMostSignificantBits() << 48);
        }
    }

    internal interface ICase
    {
        /// <summary>What to OR a text byte with before comparing it to <paramref name="needleByte"/>.</summary>
        byte Fold(byte needleByte);

        bool Same(byte textByte, byte needleByte);
    }

    internal readonly struct Ordinal : ICase
    {
        public byte Fold(byte needleByte) => 0;

        public bool Same(byte textByte, byte needleByte) => textByte == needleByte;
    }

    internal readonly struct IgnoreAsciiCase : ICase
    {
        // A lower-case letter matches both cases when the text byte has bit 5 set; no other byte folds.
        public byte Fold(byte needleByte) => needleByte is >= (byte)'a' and <= (byte)'z' ? (byte)0x20 : (byte)0;

        public bool Same(byte textByte, byte needleByte) =>
            textByte == needleByte || (textByte is >= (byte)'A' and <= (byte)'Z' && textByte + 32 == needleByte);
    }
}

/// <summary>
/// <see cref="JsonScan"/>'s kernels as instance methods: a delegate bound to an instance method
/// calls straight through, where one bound to a static method first shuffles its arguments.
/// LeastPriv.Core binds these.
/// </summary>
public sealed class JsonScanKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ObjectLength(ReadOnlySpan<byte> json, out bool hasBackslash) => JsonScan.ObjectLength(json, out hasBackslash);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ScanRecord(ReadOnlySpan<byte> json, ReadOnlySpan<byte> lowerNeedle, int anchor1, int anchor2, ulong nameCharactersLow, ulong nameCharactersHigh, out int flags) =>
        JsonScan.ScanRecord(json, lowerNeedle, anchor1, anchor2, nameCharactersLow, nameCharactersHigh, out flags);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOfIgnoreAsciiCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle, int anchor1, int anchor2) => JsonScan.IndexOfIgnoreAsciiCase(text, lowerNeedle, anchor1, anchor2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOfOrdinal(ReadOnlySpan<byte> text, ReadOnlySpan<byte> needle, int anchor1, int anchor2) => JsonScan.IndexOfOrdinal(text, needle, anchor1, anchor2);
}
