using System.Diagnostics;
using System.Text;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace LeastPriv.PowerShell.Tests.Reliability;

/// <summary>Runs alone, so the managed heap it samples is its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeInputCollection
{
    public const string Name = "Large inputs";
}

/// <summary>
/// A very large single log file and a folder of very many small ones, generated on disk (streamed,
/// never held in memory) and deleted afterwards: every record is read, damaged files get one typed
/// error each, nothing hangs, and the managed heap stays far below the input's size. CI sizes by
/// default; LEASTPRIV_LARGE_INPUTS=1 runs the full sizes (300 MB, 100,000 files).
/// </summary>
[Collection(LargeInputCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class LargeInputTests : IDisposable
{
    private static readonly bool Full = Environment.GetEnvironmentVariable("LEASTPRIV_LARGE_INPUTS") == "1";
    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(Full ? 20 : 5);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lp-large-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ITestOutputHelper _output;

    public LargeInputTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir);
    }

    private static long SingleFileBytes => (Full ? 300L : 30L) * 1024 * 1024;

    private static int ManyFiles => Full ? 100_000 : 10_000;

    [Fact]
    public void ConvertToLPPolicy_SingleHugeLogFile_ReadsEveryRecordWithBoundedHeap()
    {
        var path = Path.Combine(_dir, "huge.json");
        var records = WriteHugeLog(path, SingleFileBytes);
        using var ps = PowerShellSession.Open();

        var (run, heap, elapsed) = Measure(ps, "ConvertTo-LPPolicy -Path $f; $n = 0; Get-LPCloudTrailEvent -Path $f | ForEach-Object { $n++ }; $n", new() { ["f"] = path });

        run.ThrowIfFailed();
        var policy = run.Output[0];
        Assert.True((bool)policy.Properties["IsComplete"].Value);
        Assert.Equal(records, Convert.ToInt64(policy.Properties["EventCount"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(records, Convert.ToInt64(run.Output[1].BaseObject, System.Globalization.CultureInfo.InvariantCulture));
        _output.WriteLine($"{new FileInfo(path).Length / (1024 * 1024)} MB, {records:N0} records: {elapsed.TotalSeconds:F1} s, managed heap grew at most {heap / (1024 * 1024)} MB");
        Assert.True(heap < (SingleFileBytes / 2) + (128L * 1024 * 1024), $"The managed heap grew by {heap:N0} bytes reading {SingleFileBytes:N0} bytes.");
    }

    [Fact]
    public void ConvertToLPPolicy_ManySmallFilesSomeDamaged_ReadsTheRestAndErrorsPerDamagedFile()
    {
        var damaged = WriteManyLogs(_dir, ManyFiles);
        using var ps = PowerShellSession.Open();

        var (run, heap, elapsed) = Measure(ps, "ConvertTo-LPPolicy -Path $d", new() { ["d"] = _dir });

        var policy = Assert.Single(run.Output);
        Assert.Equal(ManyFiles - damaged.Count, Convert.ToInt64(policy.Properties["EventCount"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False((bool)policy.Properties["IsComplete"].Value);
        Assert.Equal(damaged.Count, run.Errors.Count);
        Assert.All(run.Errors, e => Assert.StartsWith("CloudTrailFileCorrupt,", e.FullyQualifiedErrorId, StringComparison.Ordinal));
        Assert.Equal(damaged.OrderBy(p => p, StringComparer.Ordinal), run.Errors.Select(e => e.TargetObject?.ToString() ?? string.Empty).OrderBy(p => p, StringComparer.Ordinal));
        _output.WriteLine($"{ManyFiles:N0} files ({damaged.Count} damaged): {elapsed.TotalSeconds:F1} s, managed heap grew at most {heap / (1024 * 1024)} MB");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs the script under a watchdog, sampling the managed heap while it runs.</summary>
    private static (PSRun Run, long HeapGrowth, TimeSpan Elapsed) Measure(PowerShellSession ps, string script, Dictionary<string, object?> vars)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        var clock = Stopwatch.StartNew();
        var work = Task.Run(() => ps.Run(script, vars));
        while (!work.Wait(TimeSpan.FromMilliseconds(200)))
        {
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
            Assert.True(clock.Elapsed < Watchdog, $"'{script}' did not finish within {Watchdog.TotalMinutes} minutes.");
        }

        return (work.Result, Math.Max(0, peak - baseline), clock.Elapsed);
    }

    private static long WriteHugeLog(string path, long bytes)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write("{\"Records\":[");
        long written = 12;
        long count = 0;
        while (written < bytes)
        {
            var record = CloudTrailLog.Record((int)(count % 3600));
            if (count > 0)
            {
                writer.Write(',');
            }

            writer.Write(record);
            written += record.Length + 1;
            count++;
        }

        writer.Write("]}");
        return count;
    }

    /// <summary>One record per file in 100 folders; every 1,000th file is cut short. Returns the damaged paths.</summary>
    private static List<string> WriteManyLogs(string root, int files)
    {
        var damaged = new List<string>();
        for (var i = 0; i < files; i++)
        {
            var folder = Path.Combine(root, "f" + (i % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
            if (i < 100)
            {
                Directory.CreateDirectory(folder);
            }

            var path = Path.Combine(folder, $"log{i:D6}.json");
            var text = "{\"Records\":[" + CloudTrailLog.Record(i % 3600) + "]}";
            if (i % 1000 == 999)
            {
                text = text[..(text.Length / 2)];
                damaged.Add(path);
            }

            File.WriteAllText(path, text);
        }

        return damaged;
    }
}
