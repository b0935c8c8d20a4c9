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

    // ASCII characters of any required name, both cases: the only ones an escape could hide a name with.
    private readonly bool[] _nameCharacters = new bool[128];

    private RecordPrefilter(Needle[][] groups, IEnumerable<string> names)
    {
        _groups = groups;
        foreach (var c in names.SelectMany(n => n))
        {
            _nameCharacters[char.ToLowerInvariant(c)] = true;
            _nameCharacters[char.ToUpperInvariant(c)] = true;
        }
    }

    /// <summary>A prefilter for <paramref name="filter"/>, or null when its criteria name no text every match must contain.</summary>
    public static RecordPrefilter? For(CloudTrailFilter.Compiled filter)
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

        return new RecordPrefilter(groups, required.SelectMany(g => g));
    }

    /// <summary>False only when the record cannot pass the caller criteria.</summary>
    [MethodImpl(Hot)]
    public bool MayMatch(ReadOnlySpan<byte> record)
    {
        foreach (var group in _groups)
        {
            if (!ContainsAny(record, group))
            {
                return HasHidingEscape(record);
            }
        }

        return true;
    }

    private static bool ContainsAny(ReadOnlySpan<byte> record, Needle[] group)
    {
        foreach (var needle in group)
        {
            if (needle.IsIn(record))
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

        private Needle(byte[] lower, int anchor, int runStart, int runLength)
        {
            _lower = lower;
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
                var rank = Frequency.IndexOf((char)lower[i]);
                rank = rank < 0 ? int.MaxValue : rank;
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
        public bool IsIn(ReadOnlySpan<byte> text)
        {
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

        private static byte Upper(byte b) => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;

        public override string ToString() => Encoding.ASCII.GetString(_lower);
    }
}
