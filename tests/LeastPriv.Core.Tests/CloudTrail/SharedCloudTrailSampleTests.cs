using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

/// <summary>
/// Third-party CloudTrail files kept beside the repository (../shared/cloudtrail-samples, see its
/// SOURCES.md for where each comes from). Counts are the ones SOURCES.md states.
/// </summary>
public sealed class SharedCloudTrailSampleTests
{
    private static string SampleFolder(string name)
    {
        var folder = Path.Combine(SharedSamples, name);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : Array.Empty<string>();
        // The samples live beside the repository, not in it; a machine without them skips (and says so).
        Skip.If(files.Length == 0, $"The shared CloudTrail samples are missing: '{folder}' holds no files (SOURCES.md lists them).");
        return folder;
    }

    private static async Task<(List<CloudTrailRecord> Records, RecordingReporter Reporter)> ReadSample(string name)
    {
        var (records, result, reporter) = await ReadPaths(new[] { SampleFolder(name) }, CloudTrailFilter.All);
        Assert.Empty(reporter.Errors);
        Assert.True(result.IsComplete);
        return (records, reporter);
    }

    [SkippableFact]
    public async Task ReadAsync_OpenSearchCatalogSamples_Reads846RecordsWithTheStatedMix()
    {
        var (records, _) = await ReadSample("opensearch-catalog-aws_cloudtrail");

        Assert.Equal(846, records.Count);
        var bySource = records.GroupBy(r => r.EventSource.Replace(".amazonaws.com", string.Empty)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(
            new Dictionary<string, int> { ["s3"] = 707, ["sts"] = 65, ["kms"] = 25, ["xray"] = 15, ["sns"] = 9, ["ec2"] = 8, ["elasticloadbalancing"] = 6, ["ssm"] = 5, ["iam"] = 4, ["logs"] = 1, ["es"] = 1 },
            bySource);
        var byIdentity = records.GroupBy(r => r.Identity.Type ?? "none").ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["AssumedRole"] = 769, ["AWSService"] = 72, ["IAMUser"] = 5 }, byIdentity);
        Assert.Equal(307, records.Count(r => r.ErrorCode is not null));
        Assert.DoesNotContain(records, r => r.IsAccessDenied);
    }

    [SkippableFact]
    public async Task ReadAsync_OpenSearchMaskedSample_DoesNotBreakFiltersOrOutput()
    {
        var masked = Path.Combine(SampleFolder("opensearch-catalog-aws_cloudtrail"), "commit-429e629", "raw-sample.json");
        var filter = new CloudTrailFilter { PrincipalArn = "arn:aws:iam::111122223333:role/AwsSecurityAudit", IncludeErrors = true };

        var (all, _, allReporter) = await ReadPaths(new[] { masked });
        var (filtered, _, _) = await ReadPaths(new[] { masked }, filter);

        Assert.Empty(allReporter.Errors);
        var record = Assert.Single(all);
        Assert.Equal("ListDomainNames", record.EventName);
        Assert.StartsWith("arn***", record.Identity.Arn);
        Assert.Empty(filtered);
        Assert.Equal("ListDomainNames", new LPCloudTrailEvent(record).EventName);
    }

    [SkippableFact]
    public async Task ReadAsync_PlasoEventHistoryLines_ReadsSixEc2Records()
    {
        var (records, _) = await ReadSample("plaso-test-data");

        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal("ec2.amazonaws.com", r.EventSource));
        Assert.Equal(5, records.Count(r => r.Identity.Type == "IAMUser"));
        Assert.Contains(records, r => r.EventName == "SharedSnapshotVolumeCreated" && r.Identity.Type is null);
    }

    [SkippableFact]
    public async Task ReadAsync_TrailscraperFiles_ReadsSevenRecordsAndGzipEqualsPlain()
    {
        var (records, _) = await ReadSample("trailscraper-tests");

        Assert.Equal(7, records.Count);
        Assert.Contains(records, r => r.Identity.Type == "Root" && r.EventSource == "apigateway.amazonaws.com");
        var zipped = records.Where(r => r.SourceLocation!.EndsWith(".json.gz", StringComparison.Ordinal)).Select(r => r.EventId);
        var plain = records.Where(r => r.SourceLocation!.EndsWith("A6kvhMoVeCsc7v8U.json", StringComparison.Ordinal)).Select(r => r.EventId);
        Assert.Equal(2, zipped.Count());
        Assert.Equal(plain, zipped);
    }
}
