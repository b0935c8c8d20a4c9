using System.IO.Compression;
using System.Text.Json;
using LeastPriv.Core.Catalog;
using LeastPriv.Core.Tests.CloudTrail;
using Xunit;
using Xunit.Abstractions;

namespace LeastPriv.Core.Tests.Catalog;

/// <summary>
/// Runs every distinct (eventSource, eventName) found in the third-party CloudTrail samples in
/// <c>../shared/cloudtrail-samples</c> (or <c>LEASTPRIV_CLOUDTRAIL_SAMPLES</c>) through the mapper. The records are parsed here with
/// System.Text.Json on purpose: this checks the mapping, not the project's readers.
/// </summary>
public sealed class CloudTrailSampleMappingTests
{
    // The one sample file too large to keep beside every checkout (SOURCES.md: 1.46 MB).
    private const string LargeTrail = "opensearch-catalog-aws_cloudtrail/commit-9e40624/raw-large-samples.json";

    private readonly ITestOutputHelper _output;

    public CloudTrailSampleMappingTests(ITestOutputHelper output) => _output = output;

    // What the calls recorded in the samples need (see SOURCES.md beside them for what each file holds).
    private static readonly Dictionary<(string Source, string Name), string> Expected = new()
    {
        [("s3.amazonaws.com", "GetBucketAcl")] = "s3:GetBucketAcl",
        [("s3.amazonaws.com", "GetBucketCors")] = "s3:GetBucketCORS",
        [("s3.amazonaws.com", "GetBucketPolicy")] = "s3:GetBucketPolicy",
        [("s3.amazonaws.com", "GetBucketEncryption")] = "s3:GetEncryptionConfiguration",
        [("s3.amazonaws.com", "GetBucketLifecycle")] = "s3:GetLifecycleConfiguration",
        [("s3.amazonaws.com", "GetBucketReplication")] = "s3:GetReplicationConfiguration",
        [("s3.amazonaws.com", "GetBucketWebsite")] = "s3:GetBucketWebsite",
        [("s3.amazonaws.com", "GetBucketObjectLockConfiguration")] = "s3:GetBucketObjectLockConfiguration",
        [("s3.amazonaws.com", "GetObjectLockConfiguration")] = "s3:GetBucketObjectLockConfiguration",
        [("s3.amazonaws.com", "GetPublicAccessBlock")] = "s3:GetBucketPublicAccessBlock",
        [("s3.amazonaws.com", "GetBucketPublicAccessBlock")] = "s3:GetBucketPublicAccessBlock",
        [("s3.amazonaws.com", "GetBucketLogging")] = "s3:GetBucketLogging",
        [("s3.amazonaws.com", "GetBucketVersioning")] = "s3:GetBucketVersioning",
        [("s3.amazonaws.com", "GetBucketTagging")] = "s3:GetBucketTagging",
        [("s3.amazonaws.com", "GetBucketNotification")] = "s3:GetBucketNotification",
        [("s3.amazonaws.com", "GetBucketLocation")] = "s3:GetBucketLocation",
        [("s3.amazonaws.com", "ListBuckets")] = "s3:ListAllMyBuckets",
        [("s3.amazonaws.com", "GetBucketRequestPayment")] = "s3:GetBucketRequestPayment",
        // CloudTrail names GetBucketAccelerateConfiguration without "Bucket"; the action has no "Bucket" either.
        [("s3.amazonaws.com", "GetAccelerateConfiguration")] = "s3:GetAccelerateConfiguration",
        [("s3.amazonaws.com", "HeadBucket")] = "s3:ListBucket",
        [("sts.amazonaws.com", "AssumeRole")] = "sts:AssumeRole",
        [("iam.amazonaws.com", "AddUserToGroup")] = "iam:AddUserToGroup",
        [("iam.amazonaws.com", "CreateRole")] = "iam:CreateRole",
        [("iam.amazonaws.com", "CreateUser")] = "iam:CreateUser",
        [("ec2.amazonaws.com", "StartInstances")] = "ec2:StartInstances",
        [("ec2.amazonaws.com", "StopInstances")] = "ec2:StopInstances",
        [("ec2.amazonaws.com", "RunInstances")] = "ec2:RunInstances",
        [("ec2.amazonaws.com", "TerminateInstances")] = "ec2:TerminateInstances",
        [("ec2.amazonaws.com", "DescribeInstances")] = "ec2:DescribeInstances",
        [("ec2.amazonaws.com", "CreateSecurityGroup")] = "ec2:CreateSecurityGroup",
        [("ec2.amazonaws.com", "DescribeNatGateways")] = "ec2:DescribeNatGateways",
        [("ec2.amazonaws.com", "DescribeInstanceStatus")] = "ec2:DescribeInstanceStatus",
        // Classic (apiVersion 2012-06-01) and v2 (2015-12-01) load balancers share the elasticloadbalancing prefix.
        [("elasticloadbalancing.amazonaws.com", "DescribeLoadBalancers")] = "elasticloadbalancing:DescribeLoadBalancers",
        [("elasticloadbalancing.amazonaws.com", "DescribeTargetHealth")] = "elasticloadbalancing:DescribeTargetHealth",
        [("ssm.amazonaws.com", "SendCommand")] = "ssm:SendCommand",
        [("xray.amazonaws.com", "GetSamplingRules")] = "xray:GetSamplingRules",
        [("es.amazonaws.com", "ListDomainNames")] = "es:ListDomainNames",
        [("autoscaling.amazonaws.com", "DescribeLaunchConfigurations")] = "autoscaling:DescribeLaunchConfigurations",
        [("apigateway.amazonaws.com", "GetResource")] = "apigateway:GET",
        [("kms.amazonaws.com", "Decrypt")] = "kms:Decrypt",
        [("kms.amazonaws.com", "GenerateDataKey")] = "kms:GenerateDataKey",
    };

    private static readonly Dictionary<(string Source, string Name), EventMappingKind> ExpectedKinds = new()
    {
        [("ec2.amazonaws.com", "SharedSnapshotVolumeCreated")] = EventMappingKind.NotAnAction,
        [("sts.amazonaws.com", "GetCallerIdentity")] = EventMappingKind.NoPermissionRequired,
    };

    [SkippableFact]
    public void Map_EveryPairInSamples_IsCatalogActionOrReportedNeverInvented()
    {
        var pairs = SamplePairs();
        // The samples live beside the repository, not in it; a machine without them skips (and says so).
        Skip.If(pairs.Count == 0, $"No CloudTrail records found under {SamplesFolder()}: the shared samples described in SOURCES.md are missing.");

        var mapper = EventActionMapper.Default;
        var unmapped = new List<string>();
        foreach (var (pair, count) in pairs.OrderBy(p => p.Key.Source + " " + p.Key.Name, StringComparer.Ordinal))
        {
            var mapping = mapper.Map(pair.Source, pair.Name);
            _output.WriteLine($"{pair.Source} {pair.Name} x{count} -> {mapping}");
            if (mapping.Kind == EventMappingKind.Unmapped)
            {
                unmapped.Add($"{pair.Source} {pair.Name}");
            }

            foreach (var action in mapping.Actions)
            {
                Assert.True(IamCatalog.Default.TryGetAction(action, out var a), $"{pair} -> {action} is not in the catalog");
                Assert.Equal(a.FullName, action);
            }

            if (Expected.TryGetValue(pair, out var expected))
            {
                Assert.Equal(EventMappingKind.Actions, mapping.Kind);
                Assert.Equal(expected, Assert.Single(mapping.Actions));
            }

            if (ExpectedKinds.TryGetValue(pair, out var kind))
            {
                Assert.Equal(kind, mapping.Kind);
            }
        }

        // Unmapped pairs are reported by name (the generator lists them for the user), not failed.
        _output.WriteLine($"{pairs.Count} distinct pairs, {unmapped.Count} unmapped: {string.Join("; ", unmapped)}");
    }

    [SkippableFact]
    public void Samples_ExpectedTable_IsBackedBySampleData()
    {
        // The expectation table above must describe calls that really occur in the samples.
        var pairs = SamplePairs();
        Skip.If(pairs.Count == 0, $"No CloudTrail records found under {SamplesFolder()}: the shared samples described in SOURCES.md are missing.");
        // Most of the table (the S3 configuration reads, X-Ray, load balancers, KMS) is backed by the large trail alone.
        var large = Path.Combine(SamplesFolder(), LargeTrail);
        Skip.IfNot(File.Exists(large), $"This check needs '{large}', missing from the samples (SOURCES.md says what it holds); the pairs of the other files are checked by Samples_EveryPairBesidesTheLargeTrail_HasAnExpectation.");
        var covered = Expected.Keys.Concat(ExpectedKinds.Keys).Count(pairs.ContainsKey);
        Assert.True(covered >= 15, $"only {covered} of the expected pairs occur in the samples");
    }

    [SkippableFact]
    public void Samples_EveryPairBesidesTheLargeTrail_HasAnExpectation()
    {
        // The small files are described call by call in SOURCES.md: each of their calls must have its
        // expected mapping in the tables above, so none of them is checked only for "not invented".
        var pairs = SamplePairs(SamplesFolder(), file => !file.EndsWith(LargeTrail.Replace('/', Path.DirectorySeparatorChar), StringComparison.Ordinal));
        Skip.If(pairs.Count == 0, $"No CloudTrail records found under {SamplesFolder()}: the shared samples described in SOURCES.md are missing.");

        var without = pairs.Keys.Where(p => !Expected.ContainsKey(p) && !ExpectedKinds.ContainsKey(p)).Select(p => $"{p.Source} {p.Name}").ToArray();

        Assert.True(without.Length == 0, $"no expectation for: {string.Join("; ", without)}");
    }

    private static Dictionary<(string Source, string Name), int> SamplePairs() => SamplePairs(SamplesFolder(), _ => true);

    private static Dictionary<(string Source, string Name), int> SamplePairs(string folder, Func<string, bool> include)
    {
        var pairs = new Dictionary<(string, string), int>();
        if (!Directory.Exists(folder))
        {
            return pairs;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(include))
        {
            var name = Path.GetFileName(file);
            if (!name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                && !name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
                && !name.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var record in Records(file))
            {
                if (record.TryGetProperty("eventSource", out var source) && record.TryGetProperty("eventName", out var eventName)
                    && source.ValueKind == JsonValueKind.String && eventName.ValueKind == JsonValueKind.String)
                {
                    var key = (source.GetString()!, eventName.GetString()!);
                    pairs[key] = pairs.TryGetValue(key, out var n) ? n + 1 : 1;
                }
            }
        }

        return pairs;
    }

    private static IEnumerable<JsonElement> Records(string file)
    {
        if (file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            // CloudTrail LookupEvents output: one result per line, the record itself as an escaped
            // JSON string in CloudTrailEvent.
            foreach (var line in File.ReadLines(file).Where(l => l.Trim().Length > 0))
            {
                using var outer = JsonDocument.Parse(line);
                if (outer.RootElement.TryGetProperty("CloudTrailEvent", out var inner) && inner.ValueKind == JsonValueKind.String)
                {
                    using var record = JsonDocument.Parse(inner.GetString()!);
                    yield return record.RootElement.Clone();
                }
                else
                {
                    yield return outer.RootElement.Clone();
                }
            }

            yield break;
        }

        using var stream = File.OpenRead(file);
        using var input = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(stream, CompressionMode.Decompress)
            : (Stream)stream;
        using var document = JsonDocument.Parse(input);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array)
        {
            foreach (var record in records.EnumerateArray())
            {
                yield return record.Clone();
            }
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            // A single record, not wrapped in Records.
            yield return root.Clone();
        }
    }

    private static string SamplesFolder() => CloudTrailTestKit.SharedSamples;
}
