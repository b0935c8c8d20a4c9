using System.Text;
using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

public sealed class CloudTrailParallelReadTests
{
    /// <summary>Files of very different sizes so parallel readers finish out of order.</summary>
    private static List<(string Path, List<string> Ids)> WriteTree(TempFolder folder, int files)
    {
        var written = new List<(string, List<string>)>();
        var random = new Random(7);
        for (var f = 0; f < files; f++)
        {
            var count = f % 5 == 0 ? 600 : random.Next(0, 12);
            var ids = Enumerable.Range(0, count).Select(i => $"f{f:D3}-r{i:D4}").ToList();
            var sb = new StringBuilder("{\"Records\":[");
            sb.Append(string.Join(",", ids.Select((id, i) =>
                $"{{\"eventTime\":\"2025-03-01T10:{i % 60:D2}:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":\"eu-west-1\",\"eventID\":\"{id}\",\"userIdentity\":{{\"type\":\"IAMUser\",\"userName\":\"u{f % 3}\"}}}}")));
            sb.Append("]}");
            var bytes = Encoding.UTF8.GetBytes(sb.ToString());
            // Names sort differently from creation order on purpose.
            var name = $"d{(files - f) % 4}/{f * 7919 % 1000:D4}-{f}.json" + (f % 2 == 0 ? ".gz" : string.Empty);
            written.Add((folder.Write(name, f % 2 == 0 ? Gzip(bytes) : bytes), ids));
        }

        return written.OrderBy(w => w.Item1, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task ReadAsync_ManyFilesInParallel_YieldsFilesInPathOrderAndRecordsInFileOrder()
    {
        using var folder = new TempFolder();
        var tree = WriteTree(folder, 40);
        var options = new CloudTrailReaderOptions { MaxDegreeOfParallelism = 4, StreamingBufferPerFile = 3 };

        for (var run = 0; run < 3; run++)
        {
            var (records, result, reporter) = await ReadPaths(new[] { folder.Path }, options: options);

            Assert.Empty(reporter.Errors);
            Assert.Equal(tree.SelectMany(t => t.Ids), records.Select(r => r.EventId));
            Assert.Equal(tree.SelectMany(t => t.Ids.Select(_ => t.Path)), records.Select(r => r.SourceLocation));
            Assert.Equal(40, result.FilesRead);
        }
    }

    [Fact]
    public async Task ForEachRecordAsync_ThreadLocalState_SeesEveryMatchingRecordOnce()
    {
        using var folder = new TempFolder();
        var tree = WriteTree(folder, 30);
        var sources = CloudTrailFileSet.Resolve(new[] { folder.Path }).ToSources();
        var merged = new List<string>();
        var states = 0;
        var filter = new CloudTrailFilter { UserName = new[] { "u1" } };

        var result = await CloudTrailReader.ForEachRecordAsync(
            sources,
            filter,
            new CloudTrailReaderOptions { MaxDegreeOfParallelism = 3 },
            () => { Interlocked.Increment(ref states); return new List<string>(); },
            (record, state) => state.Add(record.EventId!),
            state => merged.AddRange(state),
            new RecordingReporter(),
            CancellationToken.None);

        var expected = tree.Where(t => int.Parse(t.Ids.FirstOrDefault()?.Substring(1, 3) ?? "-1") % 3 == 1).SelectMany(t => t.Ids).OrderBy(i => i, StringComparer.Ordinal);
        Assert.Equal(expected, merged.OrderBy(i => i, StringComparer.Ordinal));
        Assert.InRange(states, 1, 3);
        Assert.Equal(merged.Count, result.RecordsMatched);
        Assert.Equal(tree.Sum(t => t.Ids.Count), result.RecordsRead);
        Assert.True(result.IsComplete);
    }

    [Fact]
    public async Task ForEachRecordAsync_BodyThrows_SurfacesThatException()
    {
        using var folder = new TempFolder();
        WriteTree(folder, 10);
        var sources = CloudTrailFileSet.Resolve(new[] { folder.Path }).ToSources();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CloudTrailReader.ForEachRecordAsync(
            sources, CloudTrailFilter.All, new CloudTrailReaderOptions { MaxDegreeOfParallelism = 2 }, () => 0, (_, _) => throw new InvalidOperationException("boom"), _ => { }, new RecordingReporter(), CancellationToken.None));

        Assert.Equal("boom", error.Message);
    }

    [Fact]
    public async Task ReadAsync_ConsumerStopsEarly_EndsWithoutReadingEverything()
    {
        using var folder = new TempFolder();
        WriteTree(folder, 40);
        var result = new CloudTrailReadResult();
        var sources = CloudTrailFileSet.Resolve(new[] { folder.Path }).ToSources();
        var taken = 0;

        await foreach (var _ in CloudTrailReader.ReadAsync(sources, CloudTrailFilter.All, new CloudTrailReaderOptions { MaxDegreeOfParallelism = 2, StreamingBufferPerFile = 2 }, new RecordingReporter(), result))
        {
            if (++taken == 5)
            {
                break;
            }
        }

        Assert.Equal(5, taken);
        Assert.True(result.FilesRead < 40);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var folder = new TempFolder();
        WriteTree(folder, 20);
        var sources = CloudTrailFileSet.Resolve(new[] { folder.Path }).ToSources();
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in CloudTrailReader.ReadAsync(sources, CloudTrailFilter.All, new CloudTrailReaderOptions { StreamingBufferPerFile = 2 }, new RecordingReporter(), null, cts.Token))
            {
                cts.Cancel();
            }
        });
    }

    [Fact]
    public async Task ReadAsync_Progress_EndsWithACompletedRecord()
    {
        using var folder = new TempFolder();
        WriteTree(folder, 5);
        var (_, _, reporter) = await ReadPaths(new[] { folder.Path });

        var last = reporter.ProgressReports.Last();
        Assert.True(last.Completed);
        Assert.Equal("5 of 5 files", last.Status);
    }
}
