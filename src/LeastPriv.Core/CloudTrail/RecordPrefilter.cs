using System.Runtime.CompilerServices;
using System.Text;

namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Tells from a record's raw JSON bytes that the filter's caller criteria cannot accept it, so
/// the record need not be tokenized. Errs only towards "may match": a record whose text holds
/// every required name (ASCII case-insensitive) is kept, and so is any record with a
/// <c>\u</c> or <c>\/</c> escape, which could spell a name in other bytes. Those kept records
/// are then parsed and filtered as usual.
/// </summary>
internal sealed class RecordPrefilter
{
    // Not in netstandard2.0's enum; the runtime honours it: the search loops run hot from their first call.
    private const MethodImplOptions Hot = (MethodImplOptions)512;

    private readonly Needle[][] _groups;

    private RecordPrefilter(Needle[][] groups)
    {
        _groups = groups;
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

        return new RecordPrefilter(groups);
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
    /// True when the text holds <c>\u</c> or <c>\/</c> (conservatively, even after an escaped
    /// backslash): escapes that can stand for letters, digits or '/' of a name. The other
    /// escapes (\" \\ \b \f \n \r \t) stand for characters that names never contain.
    /// </summary>
    private static bool HasHidingEscape(ReadOnlySpan<byte> record)
    {
        var i = record.IndexOf((byte)'\\');
        while (i >= 0 && i + 1 < record.Length)
        {
            var after = record[i + 1];
            if (after is (byte)'u' or (byte)'/')
            {
                return true;
            }

            var next = record.Slice(i + 1).IndexOf((byte)'\\');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }

    /// <summary>An ASCII string found case-insensitively by searching for its rarest byte first.</summary>
    private sealed class Needle
    {
        // Rough order of how often bytes occur in CloudTrail JSON, most frequent first; bytes not listed are rarer still.
        private const string Frequency = "\":,etaso-rinc0123456789mdlu.pv/AIbSgETDfhkyRCNwxPMBOULFGHzjqKVWYXJQZ_=+@";

        private readonly byte[] _lower;
        private readonly int _anchor;
        private readonly byte _anchorLower;
        private readonly byte _anchorUpper;

        private Needle(byte[] lower, int anchor)
        {
            _lower = lower;
            _anchor = anchor;
            _anchorLower = lower[anchor];
            _anchorUpper = Upper(lower[anchor]);
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

            return new Needle(lower, anchor);
        }

        [MethodImpl(Hot)]
        public bool IsIn(ReadOnlySpan<byte> text)
        {
            var from = _anchor;
            var last = text.Length - (_lower.Length - _anchor);
            while (from <= last)
            {
                var found = _anchorLower == _anchorUpper
                    ? text.Slice(from, last - from + 1).IndexOf(_anchorLower)
                    : text.Slice(from, last - from + 1).IndexOfAny(_anchorLower, _anchorUpper);
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
