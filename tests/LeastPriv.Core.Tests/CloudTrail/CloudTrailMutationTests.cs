using CsCheck;
using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

public sealed class CloudTrailMutationTests
{
    private static readonly byte[][] Seeds =
    {
        FixtureBytes("s3-delivery-pretty.json"),
        FixtureBytes("s3-delivery-minified-records-last.json"),
        FixtureBytes("records.jsonl"),
        FixtureBytes("lookup-events-cli.json"),
        FixtureBytes("event-history.jsonl"),
        Gzip(FixtureBytes("bare-array.json")),
    };

    private static readonly string[] DocumentedErrors = { "CloudTrailFileCorrupt", "CloudTrailFileEmpty" };

    [Fact]
    public void ReadStream_AnyByteMutationOfAValidFile_OnlyEverReportsTheDocumentedErrors()
    {
        var gen = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 8], Gen.Int[1, 200]);

        gen.Sample(t =>
        {
            var (seed, kind, position, bytes, length) = t;
            var data = Mutate(Seeds[seed], kind, position, bytes, length);
            var options = new CloudTrailReaderOptions { KeepRawJson = true, CaptureRequestParameters = true, CaptureResponseElements = true, CaptureAdditionalEventData = true, MaxDepth = 64 };

            var (records, result, reporter) = ReadBytes(data, options: options, name: "mutated");

            Assert.All(reporter.Errors, e => Assert.Contains(e.ErrorId, DocumentedErrors));
            Assert.All(reporter.Errors, e => Assert.Equal("mutated", e.Target));
            Assert.True(reporter.Errors.Count <= 1);
            Assert.Equal(reporter.Errors.IsEmpty, result.IsComplete);
            Assert.Equal(records.Count, result.RecordsMatched);
            Assert.All(records, r => Assert.Equal("mutated", r.SourceLocation));
        }, iter: 3000);
    }

    private static byte[] Mutate(byte[] seed, int kind, int position, byte[] bytes, int length)
    {
        var data = seed.ToList();
        var at = position % (data.Count + 1);
        switch (kind)
        {
            case 0:
                // Overwrite bytes in place.
                for (var i = 0; i < bytes.Length && at + i < data.Count; i++)
                {
                    data[at + i] = bytes[i];
                }

                break;
            case 1:
                data.InsertRange(at, bytes);
                break;
            case 2:
                data.RemoveRange(at, Math.Min(length, data.Count - at));
                break;
            case 3:
                // Truncate.
                data.RemoveRange(at, data.Count - at);
                break;
            default:
                // Flip one bit.
                if (data.Count > 0)
                {
                    data[at % data.Count] ^= (byte)(1 << (bytes[0] % 8));
                }

                break;
        }

        return data.ToArray();
    }
}
