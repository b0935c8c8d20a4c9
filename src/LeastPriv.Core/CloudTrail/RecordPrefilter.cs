using System.Runtime.CompilerServices;
using System.Text;

namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Tells from a record's raw JSON bytes that the filter's caller criteria cannot accept it, so
/// the record need not be tokenized. Errs only towards "may match": a record whose text holds
/// every required name (ASCII case-insensitive) is kept, and so is any record with a
/// <c>\uXXXX</c> or <c>\/</c> escape that stands for a character of a name (in either case),
/// which could spell the name in other bytes. Those kept records are then parsed and filtered
/// as usual.
/// </summary>
internal sealed class RecordPrefilter
{
    // Not in netstandard2.0's enum; the runtime honours it: the search loops run hot from their first call.
    private const MethodImplOptions Hot = (MethodImplOptions)512;

    private readonly Needle[][] _groups;
    private readonly ScanKernels _kernels;

    // ASCII characters of any required name, both cases: the only ones an escape could hide a name with.
    private readonly bool[] _nameCharacters = new bool[128];

    // The one needle of a one-name filter, searched in the pass that finds the record's bounds.
    private readonly Needle? _fused;
    private readonly ulong _nameCharactersLow;
    private readonly ulong _nameCharactersHigh;

    private RecordPrefilter(Needle[][] groups, IEnumerable<string> names, ScanKernels kernels)
    {
        _groups = groups;
        _kernels = kernels;
        foreach (var c in names.SelectMany(n => n))
        {
            _nameCharacters[char.ToLowerInvariant(c)] = true;
            _nameCharacters[char.ToUpperInvariant(c)] = true;
        }

        for (var c = 0; c < 64; c++)
        {
            _nameCharactersLow |= _nameCharacters[c] ? 1UL << c : 0;
            _nameCharactersHigh |= _nameCharacters[c + 64] ? 1UL << c : 0;
        }

        if (kernels.ScanRecord is not null && groups is [[var only]] && only.Length <= ScanKernels.MaxAnchor + 1)
        {
            _fused = only;
        }
    }

    /// <summary>
    /// The length of the record that starts at <paramref name="json"/>[0] (as
    /// <see cref="ScanKernels.ObjectLength"/>), or -1, and whether it may pass the caller
    /// criteria (as <see cref="MayMatch"/>): in one pass when the kernels can.
    /// </summary>
    [MethodImpl(Hot)]
    public int Measure(ReadOnlySpan<byte> json, out bool mayMatch)
    {
        if (_fused is not null)
        {
            var length = _kernels.ScanRecord!(json, _fused.Lower, _fused.Anchor1, _fused.Anchor2, _nameCharactersLow, _nameCharactersHigh, out var flags);
            mayMatch = (flags & (ScanKernels.NeedleFlag | ScanKernels.HidingEscapeFlag)) != 0;
            return length;
        }

        var objectLength = _kernels.ObjectLength(json, out var hasBackslash);
        mayMatch = objectLength >= 0 && MayMatch(json.Slice(0, objectLength), hasBackslash);
        return objectLength;
    }

    /// <summary>
    /// A prefilter for <paramref name="filter"/> searching with <paramref name="kernels"/>
    /// (the process's own by default), or null when its criteria name no text every match must contain.
    /// </summary>
    public static RecordPrefilter? For(CloudTrailFilter.Compiled filter, ScanKernels? kernels = null)
    {
        if (filter.RequiredText is not { Count: > 0 } required)
        {
            return null;
        }

        var groups = new Needle[required.Count][];
        for (var g = 0; g < required.Count; g++)
        {
            if (required[g].Count == 0)
            {
                return null;
            }

            groups[g] = new Needle[required[g].Count];
            for (var n = 0; n < required[g].Count; n++)
            {
                var needle = Needle.Create(required[g][n]);
                if (needle is null)
                {
                    return null;
                }

                groups[g][n] = needle;
            }
        }

        return new RecordPrefilter(groups, required.SelectMany(g => g), kernels ?? ScanKernels.Current);
    }

    /// <summary>
    /// False only when the record cannot pass the caller criteria. <paramref name="hasBackslash"/>
    /// false (the scan saw no backslash in the record) spares the search for escapes.
    /// </summary>
    [MethodImpl(Hot)]
    public bool MayMatch(ReadOnlySpan<byte> record, bool hasBackslash = true)
    {
        foreach (var group in _groups)
        {
            if (!ContainsAny(record, group, _kernels))
            {
                return hasBackslash && HasHidingEscape(record);
            }
        }

        return true;
    }

    private static bool ContainsAny(ReadOnlySpan<byte> record, Needle[] group, ScanKernels kernels)
    {
        foreach (var needle in group)
        {
            if (needle.IsIn(record, kernels))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when an escape in the text stands for a character of a required name: <c>\uXXXX</c>
    /// of such a character, or <c>\/</c> when a name holds '/'. The other escapes
    /// (\" \\ \b \f \n \r \t) stand for characters names never contain, and no character
    /// beyond ASCII equals an ASCII one when case is ignored. A malformed escape counts as hiding.
    /// </summary>
    [MethodImpl(Hot)]
    private bool HasHidingEscape(ReadOnlySpan<byte> record)
    {
        var i = record.IndexOf((byte)'\\');
        while (i >= 0)
        {
            if (i + 1 >= record.Length)
            {
                return true;
            }

            var escaped = record[i + 1];
            var length = 2;
            if (escaped == (byte)'u')
            {
                if (i + 6 > record.Length || !TryHex(record.Slice(i + 2, 4), out var value))
                {
                    return true;
                }

                if (value < 128 && _nameCharacters[value])
                {
                    return true;
                }

                length = 6;
            }
            else if (escaped == (byte)'/' && _nameCharacters['/'])
            {
                return true;
            }

            // Escapes are read in order, so the backslash of "\\u0041" does not start another one.
            var next = record.Slice(i + length).IndexOf((byte)'\\');
            i = next < 0 ? -1 : i + length + next;
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryHex(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var d in digits)
        {
            int v = d switch
            {
                >= (byte)'0' and <= (byte)'9' => d - '0',
                >= (byte)'a' and <= (byte)'f' => d - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => d - 'A' + 10,
                _ => -1,
            };
            if (v < 0)
            {
                return false;
            }

            value = (value << 4) | v;
        }

        return true;
    }

    /// <summary>
    /// An ASCII string found case-insensitively: by its longest run of two or more bytes that
    /// have no case (digits, '-', '_', ...), which a vectorized substring search finds exactly,
    /// or else by its rarest byte in either case.
    /// </summary>
    internal sealed class Needle
    {
        // Rough order of how often bytes occur in CloudTrail JSON, most frequent first; bytes not listed are rarer still.
        private const string Frequency = "\":,etaso-rinc0123456789mdlu.pv/AIbSgETDfhkyRCNwxPMBOULFGHzjqKVWYXJQZ_=+@";

        private readonly byte[] _lower;
        private readonly int _anchor;
        private readonly byte _anchorLower;
        private readonly byte _anchorUpper;
        private readonly byte[]? _caselessRun;

        // Where the vectorized search anchors: the last byte (names that share a prefix, such as
        // app-user-07 and app-user-12, tend to differ at the end) and the rarest of the others.
        private readonly int _rare1;
        private readonly int _rare2;

        /// <summary>The text, ASCII letters in lower case.</summary>
        public byte[] Lower => _lower;

        public int Anchor1 => _rare1;

        public int Anchor2 => _rare2;

        public int Length => _lower.Length;

        private Needle(byte[] lower, int anchor, int runStart, int runLength)
        {
            _lower = lower;
            (_rare1, _rare2) = Anchors(lower);
            if (runLength >= 2)
            {
                _anchor = runStart;
                _caselessRun = lower.AsSpan(runStart, runLength).ToArray();
            }
            else
            {
                _anchor = anchor;
            }

            _anchorLower = lower[_anchor];
            _anchorUpper = Upper(lower[_anchor]);
        }

        /// <summary>Null when the text cannot be searched for in raw JSON (empty, not ASCII, or holding characters JSON must escape).</summary>
        public static Needle? Create(string text)
        {
            if (text.Length == 0)
            {
                return null;
            }

            var lower = new byte[text.Length];
            var anchor = 0;
            var anchorRank = -1;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
                {
                    return null;
                }

                lower[i] = (byte)(c is >= 'A' and <= 'Z' ? c + 32 : c);
                var rank = Rank(lower[i]);
                if (rank > anchorRank)
                {
                    anchorRank = rank;
                    anchor = i;
                }
            }

            var (runStart, runLength) = (0, 0);
            for (var i = 0; i < lower.Length;)
            {
                var end = i;
                while (end < lower.Length && lower[end] is < (byte)'a' or > (byte)'z')
                {
                    end++;
                }

                if (end - i > runLength)
                {
                    (runStart, runLength) = (i, end - i);
                }

                i = end + 1;
            }

            return new Needle(lower, anchor, runStart, runLength);
        }

        [MethodImpl(Hot)]
        public bool IsIn(ReadOnlySpan<byte> text, ScanKernels kernels)
        {
            if (kernels.IndexOfIgnoreAsciiCase is { } indexOf)
            {
                return indexOf(text, _lower, _rare1, _rare2) >= 0;
            }

            var from = _anchor;
            var last = text.Length - (_lower.Length - _anchor);
            while (from <= last)
            {
                var window = text.Slice(from, last - from + 1 + (_caselessRun is null ? 0 : _caselessRun.Length - 1));
                var found = _caselessRun is not null ? window.IndexOf(_caselessRun)
                    : _anchorLower == _anchorUpper
                    ? window.IndexOf(_anchorLower)
                    : window.IndexOfAny(_anchorLower, _anchorUpper);
                if (found < 0)
                {
                    return false;
                }

                var start = from + found - _anchor;
                if (EqualsAt(text, start))
                {
                    return true;
                }

                from += found + 1;
            }

            return false;
        }

        private bool EqualsAt(ReadOnlySpan<byte> text, int start)
        {
            for (var i = 0; i < _lower.Length; i++)
            {
                var b = text[start + i];
                if (b != _lower[i] && (b is < (byte)'A' or > (byte)'Z' || b + 32 != _lower[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Where the vectorized search anchors <paramref name="lower"/>: the rarest of its bytes but the last, and the last.</summary>
        internal static (int, int) Anchors(byte[] lower)
        {
            var last = lower.Length - 1;
            var rarest = Enumerable.Range(0, last).OrderByDescending(i => Rank(lower[i])).ThenBy(i => i).FirstOrDefault();
            return (rarest, last);
        }

        private static int Rank(byte b)
        {
            var rank = Frequency.IndexOf((char)b);
            return rank < 0 ? int.MaxValue : rank;
        }

        private static byte Upper(byte b) => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;

        public override string ToString() => Encoding.ASCII.GetString(_lower);
    }
}
