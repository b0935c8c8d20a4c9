using LeastPriv.Core.CloudTrail;
using Xunit;
using static LeastPriv.Core.Tests.CloudTrail.CloudTrailTestKit;

namespace LeastPriv.Core.Tests.CloudTrail;

/// <summary>
/// Third-party CloudTrail files kept beside the repository (../shared/cloudtrail-samples or LEASTPRIV_CLOUDTRAIL_SAMPLES, see its
/// SOURCES.md for where each comes from). Counts are the ones SOURCES.md states. A check that needs a file the copy lacks
/// skips and names that file; the checks of the files that are there still run.
/// </summary>
public sealed class SharedCloudTrailSampleTests
{
    private const string OpenSearch = "opensearch-catalog-aws_cloudtrail";
    private const string LargeTrail = "commit-9e40624/raw-large-samples.json";
    private const string MaskedSample = "commit-429e629/raw-sample.json";

    // The AWS-documentation-style examples of commit 9e40624: one IAM user's call each.
    private static readonly string[] DocumentationSamples =
    {
        "commit-9e40624/raw-sample.json", "commit-9e40624/raw-sample-2.json", "commit-9e40624/raw-sample-3.json",
        "commit-9e40624/raw-sample-4.json", "commit-9e40624/raw-sample-5.json",
    };

    private static string SampleFolder(string name)
    {
        var folder = Path.Combine(SharedSamples, name);
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : Array.Empty<string>();
        // The samples live beside the repository, not in it; a machine without them skips (and says so).
        Skip.If(files.Length == 0, $"The shared CloudTrail samples are missing: '{folder}' holds no files (SOURCES.md lists them).");
        return folder;
    }

    /// <summary>The sample files a check needs, skipping with their names when the copy lacks any of them.</summary>
    private static string[] SampleFiles(string name, params string[] relative)
    {
        var folder = SampleFolder(name);
        var paths = relative.Select(r => Path.Combine(folder, r.Replace('/', Path.DirectorySeparatorChar))).ToArray();
        var missing = relative.Where((_, i) => !File.Exists(paths[i])).ToArray();
        Skip.If(
            missing.Length > 0,
            $"This check needs {string.Join(", ", missing.Select(m => $"'{name}/{m}'"))}, missing from the samples at '{SharedSamples}' (SOURCES.md says what it holds).");
        return paths;
    }

    private static async Task<List<CloudTrailRecord>> ReadSample(IEnumerable<string> paths)
    {
        var (records, result, reporter) = await ReadPaths(paths, CloudTrailFilter.All);
        Assert.Empty(reporter.Errors);
        Assert.True(result.IsComplete);
        return records;
    }

    [SkippableFact]
    public async Task ReadAsync_OpenSearchCatalogSamples_Reads846RecordsWithTheStatedMix()
    {
        // The stated totals are those of the whole folder: most records come from the large trail.
        SampleFiles(OpenSearch, LargeTrail, MaskedSample);
        var records = await ReadSample(new[] { SampleFolder(OpenSearch) });

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
    public async Task ReadAsync_OpenSearchDocumentationSamples_ReadsTheFiveIamUserCalls()
    {
        var records = await ReadSample(SampleFiles(OpenSearch, DocumentationSamples));

        Assert.Equal(5, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal("IAMUser", r.Identity.Type);
            Assert.Equal("us-east-1", r.AwsRegion);
            Assert.Null(r.ErrorCode);
        });
        Assert.Equal(
            new[] { "ec2.amazonaws.com StartInstances Mateo", "iam.amazonaws.com AddUserToGroup Paulo", "iam.amazonaws.com CreateRole Saanvi", "iam.amazonaws.com CreateRole Saanvi", "iam.amazonaws.com CreateUser Mary" },
            records.Select(r => $"{r.EventSource} {r.EventName} {r.Identity.UserName}").OrderBy(s => s, StringComparer.Ordinal));
        Assert.All(records, r => Assert.EndsWith(":user/" + r.Identity.UserName, r.Identity.Arn));
    }

    [SkippableFact]
    public async Task ReadAsync_OpenSearchMaskedSample_DoesNotBreakFiltersOrOutput()
    {
        var masked = SampleFiles(OpenSearch, MaskedSample)[0];
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
        var records = await ReadSample(new[] { SampleFolder("plaso-test-data") });

        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal("ec2.amazonaws.com", r.EventSource));
        Assert.Equal(5, records.Count(r => r.Identity.Type == "IAMUser"));
        Assert.Contains(records, r => r.EventName == "SharedSnapshotVolumeCreated" && r.Identity.Type is null);
    }

    [SkippableFact]
    public async Task ReadAsync_TrailscraperFiles_ReadsSevenRecordsAndGzipEqualsPlain()
    {
        var records = await ReadSample(new[] { SampleFolder("trailscraper-tests") });

        Assert.Equal(7, records.Count);
        Assert.Contains(records, r => r.Identity.Type == "Root" && r.EventSource == "apigateway.amazonaws.com");
        var zipped = records.Where(r => r.SourceLocation!.EndsWith(".json.gz", StringComparison.Ordinal)).Select(r => r.EventId);
        var plain = records.Where(r => r.SourceLocation!.EndsWith("A6kvhMoVeCsc7v8U.json", StringComparison.Ordinal)).Select(r => r.EventId);
        Assert.Equal(2, zipped.Count());
        Assert.Equal(plain, zipped);
    }
}
