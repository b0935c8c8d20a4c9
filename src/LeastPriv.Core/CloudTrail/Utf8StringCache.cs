using System.Runtime.InteropServices;
using System.Text;

namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Turns UTF-8 bytes into strings, reusing one string per distinct short value. A trail repeats
/// the same event sources, names, regions, ARNs and user agents on almost every record, so this
/// removes most per-record string allocations. One instance per reading thread (no locking).
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Slots = 4096;
    private const int MaxLength = 256;

    // Strict decoding: invalid UTF-8 is a damaged file, not text to be patched with U+FFFD.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[]?[] _keys = new byte[Slots][];
    private readonly string?[] _values = new string[Slots];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxLength)
        {
            var bytes = utf8.ToArray();
            return Strict.GetString(bytes, 0, bytes.Length);
        }

        // A constant-time hash (length and the first and last eight bytes): values that collide
        // are still compared byte for byte, so a weak hash costs a miss, never a wrong string.
        var slot = (int)(Hash(utf8) & (Slots - 1));
        var key = _keys[slot];
        if (key is not null && utf8.SequenceEqual(key))
        {
            return _values[slot]!;
        }

        key = utf8.ToArray();
        var value = Strict.GetString(key, 0, key.Length);
        _keys[slot] = key;
        _values[slot] = value;
        return value;
    }

    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        ulong h = (ulong)utf8.Length * 0x9E3779B97F4A7C15UL;
        if (utf8.Length >= 8)
        {
            h ^= MemoryMarshal.Read<ulong>(utf8);
            h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9UL;
            h ^= MemoryMarshal.Read<ulong>(utf8.Slice(utf8.Length - 8));
        }
        else
        {
            foreach (var b in utf8)
            {
                h = (h << 8) | b;
            }
        }

        h = (h ^ (h >> 31)) * 0x94D049BB133111EBUL;
        return (uint)(h ^ (h >> 32));
    }
}
