using System.Text.Json;
using LeastPriv.Core.Catalog;
using LeastPriv.Core.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

public sealed class TrailPolicyDocumentsTests
{
    private static readonly DiscoveryTrailPlan Plan = DiscoveryTrailPlanner.Plan(
        new DiscoveryTrailRequest { SessionId = "lp-20261124033500-1a2b3c4d", TrailName = "lp-trail", BucketName = "lp-bucket" },
        "123456789012",
        "eu-west-1");

    [Fact]
    public void CloudTrailBucketPolicy_TwoStatementsOfTheDocumentedShape_ScopedToTheTrail()
    {
        using var doc = JsonDocument.Parse(TrailPolicyDocuments.CloudTrailBucketPolicy(Plan));

        Assert.Equal("2012-10-17", doc.RootElement.GetProperty("Version").GetString());
        var statements = doc.RootElement.GetProperty("Statement").EnumerateArray().ToList();
        var acl = statements.Single(s => s.GetProperty("Sid").GetString() == "AWSCloudTrailAclCheck20150319");
        Assert.Equal("Allow", acl.GetProperty("Effect").GetString());
        Assert.Equal("cloudtrail.amazonaws.com", acl.GetProperty("Principal").GetProperty("Service").GetString());
        Assert.Equal("s3:GetBucketAcl", acl.GetProperty("Action").GetString());
        Assert.Equal("arn:aws:s3:::lp-bucket", acl.GetProperty("Resource").GetString());
        Assert.Equal("arn:aws:cloudtrail:eu-west-1:123456789012:trail/lp-trail", acl.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceArn").GetString());
        var write = statements.Single(s => s.GetProperty("Sid").GetString() == "AWSCloudTrailWrite20150319");
        Assert.Equal("s3:PutObject", write.GetProperty("Action").GetString());
        Assert.Equal("arn:aws:s3:::lp-bucket/AWSLogs/123456789012/*", write.GetProperty("Resource").GetString());
        var condition = write.GetProperty("Condition").GetProperty("StringEquals");
        Assert.Equal("bucket-owner-full-control", condition.GetProperty("s3:x-amz-acl").GetString());
        Assert.Equal("arn:aws:cloudtrail:eu-west-1:123456789012:trail/lp-trail", condition.GetProperty("aws:SourceArn").GetString());
        Assert.Equal(2, statements.Count);
    }

    [Fact]
    public void CloudTrailBucketPolicy_KeyPrefix_WriteScopedUnderPrefix()
    {
        var withPrefix = new DiscoveryTrailPlan { AccountId = "123456789012", TrailName = "t", BucketName = "b-bucket", HomeRegion = "us-east-1", S3KeyPrefix = "logs/" };

        using var doc = JsonDocument.Parse(TrailPolicyDocuments.CloudTrailBucketPolicy(withPrefix));

        Assert.Contains(doc.RootElement.GetProperty("Statement").EnumerateArray(), s => s.GetProperty("Resource").GetString() == "arn:aws:s3:::b-bucket/logs/AWSLogs/123456789012/*");
    }

    [Fact]
    public void AccessRoleTrustPolicy_OnlyAccessAnalyzerOfThisAccount()
    {
        using var doc = JsonDocument.Parse(TrailPolicyDocuments.AccessRoleTrustPolicy(Plan));

        var statement = Assert.Single(doc.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal("sts:AssumeRole", statement.GetProperty("Action").GetString());
        var principal = statement.GetProperty("Principal");
        Assert.Equal("access-analyzer.amazonaws.com", Assert.Single(principal.EnumerateObject(), p => p.Name == "Service").Value.GetString());
        Assert.Single(principal.EnumerateObject());
        Assert.Equal("123456789012", statement.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceAccount").GetString());
    }

    [Fact]
    public void AccessRolePolicy_ReadsOnlyThisBucketsLogs_AndEveryActionIsKnownToIam()
    {
        using var doc = JsonDocument.Parse(TrailPolicyDocuments.AccessRolePolicy(Plan));
        var catalog = IamCatalogLoader.LoadEmbedded();

        var grants = new List<string>();
        foreach (var s in doc.RootElement.GetProperty("Statement").EnumerateArray())
        {
            Assert.Equal("Allow", s.GetProperty("Effect").GetString());
            foreach (var action in Strings(s.GetProperty("Action")))
            {
                Assert.True(catalog.TryGetAction(action, out _), $"{action} is not an IAM action");
                grants.AddRange(Strings(s.GetProperty("Resource")).Select(r => action + " " + r));
            }
        }

        Assert.Equal(
            new[]
            {
                "cloudtrail:GetTrail *",
                "iam:GenerateServiceLastAccessedDetails *",
                "iam:GetServiceLastAccessedDetails *",
                "s3:GetObject arn:aws:s3:::lp-bucket/AWSLogs/123456789012/*",
                "s3:ListBucket arn:aws:s3:::lp-bucket",
            },
            grants.OrderBy(g => g, StringComparer.Ordinal));
    }

    [Fact]
    public void EventSelectors_FieldsOperatorsAndResourceTypes_AreTheCloudTrailModels()
    {
        // The model names the operators as members of AdvancedFieldSelector and documents the
        // fields and data resource types in its text (resources.ARN only in the user guide).
        var model = LeastPriv.Core.Tests.Aws.Conformance.ServiceModel.Load("cloudtrail", "2013-11-01");
        var text = model.Root.GetRawText();
        var operators = model.Shape("AdvancedFieldSelector").GetProperty("members").EnumerateObject().Select(m => m.Name).ToList();
        var plan = DiscoveryTrailPlanner.Plan(new DiscoveryTrailRequest { SessionId = "s-1", DataEvents = { "S3", "Lambda", "DynamoDB" } }, "123456789012", "us-east-1");
        var fields = DiscoveryTrailProvisioner.EventSelectors(plan).SelectMany(s => s.FieldSelectors).ToList();

        Assert.Contains("Equals", operators);
        Assert.Contains("NotStartsWith", operators);
        foreach (var field in fields.Select(f => f.Field).Where(f => f != "resources.ARN").Distinct())
        {
            Assert.Contains($"<code>{field}</code>", text, StringComparison.Ordinal);
        }

        foreach (var type in fields.Where(f => f.Field == "resources.type").SelectMany(f => f.EqualTo!))
        {
            Assert.Contains($"<code>{type}</code>", text, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<string> Strings(JsonElement e)
        => e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => x.GetString()!).ToList() : new[] { e.GetString()! };
}
