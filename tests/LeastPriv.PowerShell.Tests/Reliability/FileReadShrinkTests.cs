using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Reliability;

/// <summary>
/// No silent shrink from log files: a log cut short (a truncated .gz, JSON ending mid-record)
/// gives an error and a policy marked incomplete with the file named, never a smaller policy
/// that looks complete, whether ConvertTo-LPPolicy reads the files or events are piped to it.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class FileReadShrinkTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lp-shrink-" + Guid.NewGuid().ToString("N")[..10]);

    public FileReadShrinkTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "complete.json"), "{\"Records\":[" + CloudTrailLog.Record(0) + "]}");

        // Odd records are PutObject: the lost half of each damaged file holds some of them.
        var gz = CloudTrailLog.Gzip(CloudTrailLog.Log(400));
        File.WriteAllBytes(Path.Combine(_dir, "cut.json.gz"), gz[..(gz.Length * 2 / 3)]);
        var text = CloudTrailLog.Log(3);
        File.WriteAllText(Path.Combine(_dir, "cut-mid-record.json"), text[..(text.Length - 40)]);
    }

    public static TheoryData<string> Scripts => new()
    {
        "ConvertTo-LPPolicy -Path $d -ErrorAction SilentlyContinue",
        "Get-LPCloudTrailEvent -Path $d -ErrorAction SilentlyContinue | ConvertTo-LPPolicy",
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ConvertToLPPolicy_TruncatedLogs_PolicyIncompleteNamingEachFile(string script)
    {
        using var ps = PowerShellSession.Open();

        var run = ps.Run("$Error.Clear(); " + script + "; $Error", new() { ["d"] = _dir });

        var policy = Assert.Single(run.Output, o => o.Properties["IsComplete"] is not null);
        Assert.False((bool)policy.Properties["IsComplete"].Value);
        var reasons = string.Join(" ", (string[])policy.Properties["IncompleteReasons"].Value);
        Assert.Contains("cut.json.gz", reasons, StringComparison.Ordinal);
        Assert.Contains("cut-mid-record.json", reasons, StringComparison.Ordinal);

        // The errors were written (silenced only by -ErrorAction), one per damaged file.
        var errors = run.Output.Select(o => o.BaseObject).OfType<System.Management.Automation.ErrorRecord>().ToList();
        Assert.Equal(2, errors.Count(e => e.FullyQualifiedErrorId.StartsWith("CloudTrailFileCorrupt,", StringComparison.Ordinal)));
    }

    [Fact]
    public void ConvertToLPPolicy_CompleteLogs_PolicyComplete()
    {
        using var ps = PowerShellSession.Open();

        var run = ps.Run("Get-LPCloudTrailEvent -Path $f | ConvertTo-LPPolicy", new() { ["f"] = Path.Combine(_dir, "complete.json") });

        run.ThrowIfFailed();
        Assert.True((bool)Assert.Single(run.Output).Properties["IsComplete"].Value);
    }

    [Fact]
    public void GetLPCloudTrailEvent_TruncatedGzip_KeepsRecordsBeforeTheCutAndWritesAnError()
    {
        using var ps = PowerShellSession.Open();

        var run = ps.Run("Get-LPCloudTrailEvent -Path $f", new() { ["f"] = Path.Combine(_dir, "cut.json.gz") });

        Assert.InRange(run.Output.Count, 1, 399);
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("CloudTrailFileCorrupt,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(run.Warnings, w => w.Message.StartsWith("1 of 1 CloudTrail files could not be read completely", StringComparison.Ordinal));
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
}
