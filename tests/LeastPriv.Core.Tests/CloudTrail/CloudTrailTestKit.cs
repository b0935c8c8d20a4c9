using System.Collections.Concurrent;
using System.IO.Compression;
using LeastPriv.Core.CloudTrail;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Tests.CloudTrail;

/// <summary>Paths, temporary folders and a recording reporter for the CloudTrail reader tests.</summary>
internal static class CloudTrailTestKit
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LeastPriv.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("LeastPriv.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Root.Value;

    /// <summary>Name of the environment variable that points the sample tests at another copy of the samples.</summary>
    public const string SamplesVariable = "LEASTPRIV_CLOUDTRAIL_SAMPLES";

    /// <summary>
    /// The third-party CloudTrail samples: <c>LEASTPRIV_CLOUDTRAIL_SAMPLES</c> when set (a copy kept
    /// anywhere, in the layout SOURCES.md gives), else <c>&lt;repo&gt;/../shared/cloudtrail-samples</c>.
    /// </summary>
    public static string SharedSamples
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable(SamplesVariable);
            return string.IsNullOrWhiteSpace(overridden)
                ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "cloudtrail-samples"))
                : Path.GetFullPath(overridden);
        }
    }

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "LeastPriv.Core.Tests", "Fixtures", "CloudTrail", name);

    public static byte[] FixtureBytes(string name) => File.ReadAllBytes(Fixture(name));

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data, 0, data.Length);
        }

        return output.ToArray();
    }

    public static (List<CloudTrailRecord> Records, CloudTrailReadResult Result, RecordingReporter Reporter) ReadBytes(
        byte[] data, CloudTrailFilter? filter = null, CloudTrailReaderOptions? options = null, string name = "test.json")
    {
        var reporter = new RecordingReporter();
        var records = new List<CloudTrailRecord>();
        var result = CloudTrailReader.ReadStream(new MemoryStream(data), name, filter ?? CloudTrailFilter.All, options, records.Add, reporter, CancellationToken.None);
        return (records, result, reporter);
    }

    public static async Task<(List<CloudTrailRecord> Records, CloudTrailReadResult Result, RecordingReporter Reporter)> ReadPaths(
        IEnumerable<string> paths, CloudTrailFilter? filter = null, CloudTrailReaderOptions? options = null)
    {
        var reporter = new RecordingReporter();
        var result = new CloudTrailReadResult();
        var records = new List<CloudTrailRecord>();
        var sources = CloudTrailFileSet.Resolve(paths).ToSources();
        await foreach (var record in CloudTrailReader.ReadAsync(sources, filter ?? CloudTrailFilter.All, options, reporter, result))
        {
            records.Add(record);
        }

        return (records, result, reporter);
    }
}

internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lp-ct-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, byte[] content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed class RecordingReporter : IEngineReporter
{
    public ConcurrentQueue<LeastPrivException> Errors { get; } = new();

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<ProgressReport> ProgressReports { get; } = new();

    public void Progress(ProgressReport report) => ProgressReports.Enqueue(report);

    public void Warning(string message) => Warnings.Enqueue(message);

    public void Verbose(string message)
    {
    }

    public void Debug(string message)
    {
    }

    public void Error(LeastPrivException error) => Errors.Enqueue(error);

    public bool ShouldProcess(string target, string action) => true;
}
