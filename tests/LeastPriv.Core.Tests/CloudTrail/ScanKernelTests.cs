using System.Text;
using CsCheck;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Vectorized;
using Xunit;

namespace LeastPriv.Core.Tests.CloudTrail;

/// <summary>
/// The vectorized loops of LeastPriv.Core.Vectorized against the portable ones (and plain
/// reference searches): same answers on any bytes, at every length around the 64-byte blocks
/// they work in.
/// </summary>
public sealed class ScanKernelTests
{
    // Bytes that steer the loops: structure, escapes, the letters of escapes and of the names.
    private const string Alphabet = "{}{}\"\"\"\\\\\\u/aAlLiIcCeE0146B+-_ :,";

    private static readonly Gen<string> Text = Gen.String[Gen.Char[Alphabet], 0, 300];

    [Fact]
    public void Current_OnThisRuntime_IsTheVectorizedSet()
    {
        Assert.Equal($"vectorized ({JsonScan.Width})", ScanKernels.Current.Description);
        Assert.NotNull(ScanKernels.Current.ScanRecord);
        Assert.Null(ScanKernels.Portable.ScanRecord);
    }

    public static TheoryData<string> Widths => new() { "512", "256", "128" };

    [Theory]
    [MemberData(nameof(Widths))]
    public void ObjectLength_AnyBytes_VectorizedAgreesWithPortable(string width)
    {
        Gen.Select(Text, Gen.Int[0, 320]).Sample(t =>
        {
            var (body, cut) = t;
            var bytes = Encoding.UTF8.GetBytes("{" + body);
            var span = bytes.AsSpan(0, Math.Min(cut + 1, bytes.Length));

            var expected = JsonObjectScanner.ObjectLength(span, out var expectedBackslash);
            bool backslash;
            var actual = width switch
            {
                "512" => JsonScan.ObjectLength<JsonScan.Wide512>(span, out backslash),
                "256" => JsonScan.ObjectLength<JsonScan.Wide256>(span, out backslash),
                _ => JsonScan.ObjectLength<JsonScan.Wide128>(span, out backslash),
            };

            Assert.Equal(expected, actual);
            Assert.Equal(expectedBackslash, backslash);
        }, iter: 10000);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("app-user-07")]
    [InlineData("carol+ops")]
    [InlineData("a")]
    [InlineData("ops/alice")]
    public void ScanRecord_AnyBytes_AgreesWithObjectLengthAndThePortablePrefilter(string name)
    {
        var needle = RecordPrefilter.Needle.Create(name)!;
        var (low, high) = NameCharacters(name);
        var filter = name.Contains('/')
            ? new CloudTrailFilter { PrincipalArn = $"arn:aws:iam::111122223333:role/{name}" }
            : new CloudTrailFilter { UserName = new[] { name } };
        var portable = RecordPrefilter.For(filter.GetCompiled(), ScanKernels.Portable)!;
        var vectorized = RecordPrefilter.For(filter.GetCompiled(), ScanKernels.Current)!;
        var spellings = new[] { name, name.ToUpperInvariant(), "\\u0061" + name.Substring(1), name.Substring(0, name.Length - 1), "\\\\u0061", "\\/", "\\u002B", "\\u00", "\\u004" };
        var pieces = Gen.OneOf(Text, Gen.Int[0, spellings.Length - 1].Select(i => spellings[i]));

        Gen.Select(pieces.Array[0, 12], Gen.Int[0, 400]).Sample(t =>
        {
            var (parts, cut) = t;
            var bytes = Encoding.UTF8.GetBytes("{\"s\":\"" + string.Concat(parts) + "\"}" + string.Concat(parts));
            var span = bytes.AsSpan(0, Math.Min(cut + 1, bytes.Length));

            var expected = portable.Measure(span, out var expectedMayMatch);
            var actual = vectorized.Measure(span, out var actualMayMatch);

            Assert.Equal(expected, actual);
            if (expected >= 0)
            {
                Assert.Equal(expectedMayMatch, actualMayMatch);
            }

            // The fused scan at every width, for the one name.
            var onePrefilter = RecordPrefilter.For(new CloudTrailFilter { UserName = new[] { name.Replace('/', '-') } }.GetCompiled(), ScanKernels.Portable)!;
            var oneExpected = onePrefilter.Measure(span, out var oneMayMatch);
            var l512 = JsonScan.ScanRecord<JsonScan.Wide512>(span, needle.Lower, needle.Anchor1, needle.Anchor2, low, high, out var f512);
            var l256 = JsonScan.ScanRecord<JsonScan.Wide256>(span, needle.Lower, needle.Anchor1, needle.Anchor2, low, high, out var f256);
            var l128 = JsonScan.ScanRecord<JsonScan.Wide128>(span, needle.Lower, needle.Anchor1, needle.Anchor2, low, high, out var f128);
            Assert.Equal(new[] { expected, expected, expected }, new[] { l512, l256, l128 });
            if (expected >= 0 && !name.Contains('/'))
            {
                Assert.All(new[] { f512, f256, f128 }, f => Assert.Equal(oneMayMatch, (f & (JsonScan.NeedleFlag | JsonScan.HidingEscapeFlag)) != 0));
            }

            Assert.Equal(expected, oneExpected);
        }, iter: 3000);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void IndexOf_AnyTextNeedleAndAnchors_FindsTheFirstOccurrence(string width)
    {
        var needle = Gen.String[Gen.Char["aAlLiIcCeE0-_+"], 1, 12];
        Gen.Select(Gen.String[Gen.Char["aAlLiIcCeE0-_+ "], 0, 300], needle, Gen.Int[0, 11], Gen.Int[0, 11]).Sample(t =>
        {
            var (text, raw, first, second) = t;
            var lower = raw.ToLowerInvariant();
            var (a1, a2) = (first % lower.Length, second % lower.Length);
            var bytes = Encoding.ASCII.GetBytes(text);

            var (ignoreCase, ordinal) = width switch
            {
                "512" => (JsonScan.IndexOf<JsonScan.IgnoreAsciiCase, JsonScan.Wide512>(bytes, Encoding.ASCII.GetBytes(lower), a1, a2), JsonScan.IndexOf<JsonScan.Ordinal, JsonScan.Wide512>(bytes, Encoding.ASCII.GetBytes(raw), a1, a2)),
                "256" => (JsonScan.IndexOf<JsonScan.IgnoreAsciiCase, JsonScan.Wide256>(bytes, Encoding.ASCII.GetBytes(lower), a1, a2), JsonScan.IndexOf<JsonScan.Ordinal, JsonScan.Wide256>(bytes, Encoding.ASCII.GetBytes(raw), a1, a2)),
                _ => (JsonScan.IndexOf<JsonScan.IgnoreAsciiCase, JsonScan.Wide128>(bytes, Encoding.ASCII.GetBytes(lower), a1, a2), JsonScan.IndexOf<JsonScan.Ordinal, JsonScan.Wide128>(bytes, Encoding.ASCII.GetBytes(raw), a1, a2)),
            };

            Assert.Equal(text.IndexOf(lower, StringComparison.OrdinalIgnoreCase), ignoreCase);
            Assert.Equal(text.IndexOf(raw, StringComparison.Ordinal), ordinal);
        }, iter: 10000);
    }

    private static (ulong Low, ulong High) NameCharacters(string name)
    {
        ulong low = 0, high = 0;
        foreach (var c in name.ToLowerInvariant() + name.ToUpperInvariant())
        {
            _ = c < 64 ? low |= 1UL << c : high |= 1UL << (c - 64);
        }

        return (low, high);
    }

    [Fact]
    public void ScanRecord_NeedleAcrossTheEndOfTheObject_IsNotFound()
    {
        var prefilter = RecordPrefilter.For(new CloudTrailFilter { UserName = new[] { "alice" } }.GetCompiled(), ScanKernels.Current)!;
        foreach (var pad in Enumerable.Range(0, 130))
        {
            var bytes = Encoding.UTF8.GetBytes("{\"p\":\"" + new string('x', pad) + "\",\"x\":\"ali\"}ce alice");

            Assert.Equal(Array.IndexOf(bytes, (byte)'}') + 1, prefilter.Measure(bytes, out var mayMatch));
            Assert.False(mayMatch);
        }
    }
}
