using System.Text;
using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

public sealed class CloudTrailDamageTests
{
    public static TheoryData<string, byte[]> EmptyInputs => new()
    {
        { "zero bytes", Array.Empty<byte>() },
        { "whitespace", Encoding.UTF8.GetBytes("  \r\n\t \n") },
        { "gzip of nothing", Gzip(Array.Empty<byte>()) },
        { "byte order mark only", new byte[] { 0xEF, 0xBB, 0xBF } },
    };

    public static TheoryData<string, byte[]> CorruptInputs => new()
    {
        { "not JSON", Encoding.UTF8.GetBytes("hello, this is not a log file\n") },
        { "JSON without records", Encoding.UTF8.GetBytes("{\"foo\":1,\"bar\":[1,2]}") },
        { "UTF-16 text", Encoding.Unicode.GetBytes("{\"Records\":[]}") },
        { "Latin-1 byte in a value", Encoding.UTF8.GetBytes("{\"eventTime\":\"2025-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"Get\u00FFObject\"}").Where(b => b != 0xC3).ToArray() },
        { "array nested past the depth limit", Encoding.UTF8.GetBytes("{\"Records\":[" + new string('[', 100_000)) },
        { "object nested past the depth limit", Encoding.UTF8.GetBytes("{\"eventName\":\"X\",\"eventSource\":\"s3.amazonaws.com\",\"requestParameters\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000) + "}") },
        { "gzip magic then garbage", new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01 } },
        { "CloudTrailEvent that is not JSON", Encoding.UTF8.GetBytes("{\"EventId\":\"1\",\"CloudTrailEvent\":\"{not json\"}") },
    };

    [Theory]
    [MemberData(nameof(EmptyInputs))]
    public void ReadStream_EmptyInput_ReportsFileEmpty(string what, byte[] data)
    {
        var (records, result, reporter) = ReadBytes(data, name: what);

        Assert.Empty(records);
        var error = Assert.Single(reporter.Errors);
        Assert.Equal("CloudTrailFileEmpty", error.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidData, error.Category);
        Assert.Equal(what, error.Target);
        Assert.Equal(1, result.FilesEmpty);
        Assert.False(result.IsComplete);
    }

    [Theory]
    [MemberData(nameof(CorruptInputs))]
    public void ReadStream_CorruptInput_ReportsFileCorruptNamingTheFile(string what, byte[] data)
    {
        var (records, result, reporter) = ReadBytes(data, name: what);

        Assert.Empty(records);
        var error = Assert.Single(reporter.Errors);
        Assert.Equal("CloudTrailFileCorrupt", error.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidData, error.Category);
        Assert.Equal(what, error.Target);
        Assert.Contains($"'{what}'", error.Message);
        Assert.Contains("byte offset", error.Message);
        Assert.Equal(1, result.FilesDamaged);
        Assert.Equal(new[] { what }, result.ProblemFiles);
        Assert.False(result.IsComplete);
    }

    [Fact]
    public void ReadStream_DamagedLineInNdjson_KeepsTheRecordsBeforeAndNamesTheLine()
    {
        var lines = Encoding.UTF8.GetString(FixtureBytes("records.jsonl")).Split('\n');
        lines[2] = lines[2].Substring(0, 40);
        var data = Encoding.UTF8.GetBytes(string.Join("\n", lines));

        var (records, result, reporter) = ReadBytes(data, name: "damaged.jsonl");

        Assert.Equal(new[] { "CreateBucket", "PutObject" }, records.Select(r => r.EventName));
        var error = Assert.Single(reporter.Errors);
        Assert.Equal("CloudTrailFileCorrupt", error.ErrorId);
        Assert.Contains("line 3)", error.Message);
        var offset = Encoding.UTF8.GetByteCount(lines[0]) + 1 + Encoding.UTF8.GetByteCount(lines[1]) + 1;
        Assert.Contains($"byte offset {offset} ", error.Message);
        Assert.Equal(2, result.RecordsRead);
    }

    [Fact]
    public void ReadStream_TruncatedGzip_KeepsCompleteRecordsReadBeforeTheCut()
    {
        var full = ReadBytes(FixtureBytes("s3-delivery-minified-records-last.json")).Records;
        var zipped = Gzip(FixtureBytes("s3-delivery-minified-records-last.json"));
        var truncated = zipped.Take(zipped.Length * 2 / 3).ToArray();

        var (records, result, reporter) = ReadBytes(truncated, name: "cut.json.gz");

        var error = Assert.Single(reporter.Errors);
        Assert.Equal("CloudTrailFileCorrupt", error.ErrorId);
        Assert.InRange(records.Count, 1, full.Count - 1);
        Assert.Equal(full.Take(records.Count).Select(r => r.EventId), records.Select(r => r.EventId));
        Assert.Equal(1, result.FilesDamaged);
    }

    [Fact]
    public void ReadStream_FlippedByteInGzip_ReportsCorruptAndDoesNotThrow()
    {
        var zipped = Gzip(FixtureBytes("records.jsonl"));
        zipped[zipped.Length / 2] ^= 0xFF;

        var (_, result, reporter) = ReadBytes(zipped, name: "flipped.gz");

        Assert.Equal("CloudTrailFileCorrupt", Assert.Single(reporter.Errors).ErrorId);
        Assert.Equal(1, result.FilesDamaged);
    }

    [Fact]
    public async Task ReadAsync_OneDamagedFileAmongGoodOnes_ReadsTheRestAndWarnsOnce()
    {
        using var folder = new TempFolder();
        folder.Write("a.json", FixtureBytes("s3-delivery-pretty.json"));
        var bad = folder.Write("b.json", Encoding.UTF8.GetBytes("{\"Records\":[{\"eventName\":"));
        folder.Write("c.json.gz", Gzip(FixtureBytes("bare-array.json")));
        var empty = folder.Write("d.json", Array.Empty<byte>());

        var (records, result, reporter) = await ReadPaths(new[] { folder.Path });

        Assert.Equal(6, records.Count);
        Assert.Equal(new[] { "CloudTrailFileCorrupt", "CloudTrailFileEmpty" }, reporter.Errors.Select(e => e.ErrorId));
        Assert.Equal(new object[] { bad, empty }, reporter.Errors.Select(e => e.Target));
        var warning = Assert.Single(reporter.Warnings);
        Assert.Contains("2 of 4 CloudTrail files", warning);
        Assert.Equal(4, result.FilesTotal);
        Assert.Equal(2, result.FilesRead);
        Assert.Equal(1, result.FilesDamaged);
        Assert.Equal(1, result.FilesEmpty);
        Assert.Equal(new[] { bad, empty }, result.ProblemFiles);
        Assert.False(result.IsComplete);
    }

    [Fact]
    public async Task ForEachRecordAsync_DamagedFile_CountsItAndAggregatesTheRest()
    {
        using var folder = new TempFolder();
        folder.Write("a.json", FixtureBytes("records.jsonl"));
        var bad = folder.Write("b.json", Encoding.UTF8.GetBytes("[{\"eventName\":\"X\",\"eventSource\":\"s3.amazonaws.com\"}, {{{"));
        var sources = CloudTrailFileSet.Resolve(new[] { folder.Path }).ToSources();
        var reporter = new RecordingReporter();
        var total = 0;

        var result = await CloudTrailReader.ForEachRecordAsync(
            sources, CloudTrailFilter.All, null, () => new int[1], (_, s) => s[0]++, s => Interlocked.Add(ref total, s[0]), reporter, CancellationToken.None);

        Assert.Equal(7, total);
        Assert.Equal(7, result.RecordsMatched);
        Assert.Equal(bad, Assert.Single(reporter.Errors).Target);
        Assert.Single(reporter.Warnings);
        Assert.Equal(1, result.FilesDamaged);
        Assert.False(result.IsComplete);
    }

    [Fact]
    public async Task ReadAsync_UnreadableSource_ReportsReadErrorAndGoesOn()
    {
        var sources = new[]
        {
            CloudTrailSource.FromStream("s3://bucket/broken.json.gz", _ => Task.FromException<Stream>(new IOException("connection reset"))),
            CloudTrailSource.FromStream("s3://bucket/good.json", _ => Task.FromResult<Stream>(new MemoryStream(FixtureBytes("single-record.json")))),
        };
        var reporter = new RecordingReporter();
        var records = new List<CloudTrailRecord>();

        await foreach (var r in CloudTrailReader.ReadAsync(sources, CloudTrailFilter.All, null, reporter))
        {
            records.Add(r);
        }

        var error = Assert.Single(reporter.Errors);
        Assert.Equal("CloudTrailFileUnreadable", error.ErrorId);
        Assert.Equal(LPErrorCategory.ReadError, error.Category);
        Assert.Equal("s3://bucket/good.json", Assert.Single(records).SourceLocation);
    }
}
