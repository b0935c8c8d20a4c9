using System.Text;
using CsCheck;
using LeastPriv.Core.CloudTrail;
using Xunit;
using Xunit.Abstractions;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.Reliability;

/// <summary>
/// The CloudTrail readers under property-based fuzzing: every shape of log (S3 delivery pretty
/// and minified, JSON lines, LookupEvents output, event history, bare array, single record), plain
/// and gzip, mutated byte by byte, spliced with each other and salted with hostile JSON. Whatever
/// comes in, the reader only ever reports its documented errors, never throws, stays within a
/// time limit per input and allocates in proportion to the input.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class CloudTrailReaderFuzzTests
{
    private static readonly byte[][] Seeds =
    [
        FixtureBytes("s3-delivery-pretty.json"),
        FixtureBytes("s3-delivery-minified-records-last.json"),
        FixtureBytes("records.jsonl"),
        FixtureBytes("lookup-events-cli.json"),
        FixtureBytes("event-history.jsonl"),
        FixtureBytes("bare-array.json"),
        FixtureBytes("single-record.json"),
        FixtureBytes("masked-arns.json"),
    ];

    // Fragments that stress a JSON reader: deep nesting, huge numbers, escapes, surrogates, BOMs, NULs.
    private static readonly byte[][] Salt =
    [
        Encoding.UTF8.GetBytes(new string('[', 300)),
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 300))),
        Encoding.UTF8.GetBytes("1e99999"),
        Encoding.UTF8.GetBytes("-0.0000000000000000000000000000001e-400"),
        Encoding.UTF8.GetBytes("\"\\ud800\""),
        Encoding.UTF8.GetBytes("\"\\u00\""),
        Encoding.UTF8.GetBytes("\"eventTime\":\"9999-99-99T99:99:99Z\""),
        Encoding.UTF8.GetBytes("\"userIdentity\":null"),
        Encoding.UTF8.GetBytes("\"Records\":{}"),
        Encoding.UTF8.GetBytes("\"CloudTrailEvent\":\"{\\\"eventName\\\":1}\""),
        [0xEF, 0xBB, 0xBF],
        [0x00, 0x00, 0x00],
        [0xC3, 0x28],
        [0xF0, 0x9F, 0x98],
        [0x1F, 0x8B, 0x08],
        Encoding.UTF8.GetBytes(new string(' ', 4096)),
    ];

    private static readonly HashSet<string> DocumentedErrors = [CloudTrailErrors.FileCorrupt, CloudTrailErrors.FileEmpty];

    private readonly ITestOutputHelper _output;

    public CloudTrailReaderFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void ReadStream_MutatedSplicedAndSaltedLogs_OnlyDocumentedErrorsWithinTimeAndMemory()
    {
        var budget = new FuzzBudget();
        var gen = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 7], Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 16], Gen.Int[0, Salt.Length - 1], Gen.Int[0, 7]);

        budget.RunAll(() => gen.Sample(
            (a, b, kind, position, bytes, salt, shape) =>
            {
                var data = Mutate(Seeds[a], Seeds[b], kind, position, bytes, Salt[salt]);

                // Shape: plain, gzip of the damaged text, or damage inside the gzip stream itself.
                data = (shape % 3) switch
                {
                    1 => Gzip(data),
                    2 => MutateGzip(Gzip(Seeds[a]), position, bytes),
                    _ => data,
                };
                var options = new CloudTrailReaderOptions
                {
                    KeepRawJson = (shape & 4) != 0,
                    CaptureRequestParameters = true,
                    CaptureResponseElements = (shape & 4) != 0,
                    CaptureAdditionalEventData = (shape & 2) != 0,
                };
                var filter = (shape & 1) == 0 ? CloudTrailFilter.All : new CloudTrailFilter { UserName = ["alice"], IncludeErrors = true };

                budget.Run($"seed {a}/{b}, mutation {kind} at {position}, salt {salt}, shape {shape}, {data.Length} bytes", () =>
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var (records, result, reporter) = ReadBytes(data, filter, options, name: "fuzzed");
                    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

                    Assert.All(reporter.Errors, e => Assert.Contains(e.ErrorId, DocumentedErrors));
                    Assert.All(reporter.Errors, e => Assert.Equal("fuzzed", e.Target));
                    Assert.True(reporter.Errors.Count <= 1);

                    // No silent shrink: a damaged input is never reported as complete.
                    Assert.Equal(reporter.Errors.IsEmpty, result.IsComplete);
                    Assert.Equal(records.Count, result.RecordsMatched);
                    Assert.True(allocated <= MemoryBound(data.Length), $"{allocated:N0} bytes allocated for {data.Length:N0} bytes of input");
                });
            },
            time: FuzzBudget.Seconds,
            threads: 1));

        _output.WriteLine(budget.Summary("CloudTrail reader"));
        Assert.True(budget.Executions > 0);
    }

    /// <summary>
    /// Memory in proportion to the input: the records kept (with raw JSON and request text), the
    /// reader's fixed buffers, and a gzip stream's inflation (at most ~1000x for deflate).
    /// </summary>
    internal static long MemoryBound(int inputLength) => (64L * inputLength) + (16L * 1024 * 1024);

    private static byte[] Mutate(byte[] seed, byte[] other, int kind, int position, byte[] bytes, byte[] salt)
    {
        var data = new List<byte>(seed);
        var at = position % (data.Count + 1);
        switch (kind)
        {
            case 0:
                for (var i = 0; i < bytes.Length && at + i < data.Count; i++)
                {
                    data[at + i] = bytes[i];
                }

                break;
            case 1:
                data.InsertRange(at, bytes);
                break;
            case 2:
                data.RemoveRange(at, Math.Min(bytes.Length * 13, data.Count - at));
                break;
            case 3:
                data.RemoveRange(at, data.Count - at);
                break;
            case 4:
                // Splice: the head of one log and the tail of another.
                var cut = position % (other.Length + 1);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.AsSpan(cut).ToArray());
                break;
            case 5:
                data.InsertRange(at, salt);
                break;
            case 6:
                // Repeat a chunk, as a retried partial upload leaves it.
                var chunk = data.Skip(at).Take(bytes.Length * 31).ToArray();
                data.InsertRange(at, chunk);
                break;
            default:
                if (data.Count > 0)
                {
                    data[at % data.Count] ^= (byte)(1 << (bytes[0] % 8));
                }

                break;
        }

        return data.ToArray();
    }

    private static byte[] MutateGzip(byte[] gz, int position, byte[] bytes)
    {
        var data = (byte[])gz.Clone();

        // Past the 10-byte header most of the time, so the damage lands in the deflate stream or trailer.
        var at = 10 + (position % Math.Max(1, data.Length - 10));
        for (var i = 0; i < bytes.Length && at + i < data.Length; i++)
        {
            data[at + i] ^= bytes[i];
        }

        return (position & 1) == 0 ? data : data[..Math.Min(data.Length, at)];
    }
}
