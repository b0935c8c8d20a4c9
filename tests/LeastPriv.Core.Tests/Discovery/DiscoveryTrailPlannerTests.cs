using LeastPriv.Core.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

public sealed class DiscoveryTrailPlannerTests
{
    private const string Account = "123456789012";
    private const string Session = "lp-20261124033500-1a2b3c4d";

    [Theory]
    [InlineData("leastpriv-trail", true)]
    [InlineData("abc", true)]
    [InlineData("My_Trail.v1-2", true)]
    [InlineData("ab", false)]
    [InlineData("-starts-with-dash", false)]
    [InlineData("ends-with-dash-", false)]
    [InlineData("two--dashes", false)]
    [InlineData("dot._underscore", false)]
    [InlineData("has space", false)]
    [InlineData("192.168.5.4", false)]
    public void TrailName_Table_AcceptsOnlyCloudTrailNames(string name, bool valid)
        => Check(() => DiscoveryTrailPlanner.TrailName(name), valid, "DiscoveryTrailNameInvalid");

    [Fact]
    public void TrailName_128And129Characters_OnlyFirstAccepted()
    {
        DiscoveryTrailPlanner.TrailName(new string('a', 128));
        Check(() => DiscoveryTrailPlanner.TrailName(new string('a', 129)), false, "DiscoveryTrailNameInvalid");
    }

    [Theory]
    [InlineData("leastpriv-123456789012-logs", true)]
    [InlineData("a.b-c", true)]
    [InlineData("ab", false)]
    [InlineData("Upper", false)]
    [InlineData("under_score", false)]
    [InlineData("two..dots", false)]
    [InlineData("192.168.5.4", false)]
    [InlineData("xn--bucket", false)]
    [InlineData("sthree-bucket", false)]
    [InlineData("bucket-s3alias", false)]
    [InlineData("bucket--ol-s3", false)]
    [InlineData("-dash-first", false)]
    public void BucketName_Table_AcceptsOnlyS3Names(string name, bool valid)
        => Check(() => DiscoveryTrailPlanner.BucketName(name), valid, "DiscoveryTrailBucketNameInvalid");

    [Fact]
    public void BucketName_63And64Characters_OnlyFirstAccepted()
    {
        DiscoveryTrailPlanner.BucketName(new string('a', 63));
        Check(() => DiscoveryTrailPlanner.BucketName(new string('a', 64)), false, "DiscoveryTrailBucketNameInvalid");
    }

    [Fact]
    public void NormalizeDataEvents_MixedCaseAndDuplicates_CanonicalOrderWithoutDuplicates()
        => Assert.Equal(new[] { "S3", "Lambda", "DynamoDB" }, DiscoveryTrailPlanner.NormalizeDataEvents(new[] { "dynamodb", "s3", "LAMBDA", "S3" }));

    [Fact]
    public void NormalizeDataEvents_UnknownKind_Refused()
        => Check(() => DiscoveryTrailPlanner.NormalizeDataEvents(new[] { "S3", "EC2" }), false, "DiscoveryTrailDataEventInvalid");

    [Fact]
    public void Validate_RegionsAndAllRegions_Refused()
        => Check(() => DiscoveryTrailPlanner.Validate(new DiscoveryTrailRequest { SessionId = Session, Regions = { "us-east-1" }, AllRegions = true }), false, "DiscoveryTrailRegionConflict");

    [Fact]
    public void Validate_RegionsOfTwoPartitions_Refused()
        => Check(() => DiscoveryTrailPlanner.Validate(new DiscoveryTrailRequest { SessionId = Session, Regions = { "us-east-1", "cn-north-1" } }), false, "DiscoveryTrailRegionConflict");

    [Fact]
    public void Validate_UnknownRegion_AwsRegionInvalid()
        => Check(() => DiscoveryTrailPlanner.Validate(new DiscoveryTrailRequest { SessionId = Session, Regions = { "mars-north-1" } }), false, "AwsRegionInvalid");

    [Fact]
    public void Validate_SessionIdWithPath_Refused()
        => Check(() => DiscoveryTrailPlanner.Validate(new DiscoveryTrailRequest { SessionId = "../x" }), false, "SessionIdInvalid");

    [Fact]
    public void Plan_NoRegion_MultiRegionEveryRegionInDefaultRegionWithDefaultNames()
    {
        var plan = DiscoveryTrailPlanner.Plan(new DiscoveryTrailRequest { SessionId = Session }, Account, "eu-west-1");

        Assert.True(plan.IsMultiRegionTrail);
        Assert.True(plan.AllRegions);
        Assert.Empty(plan.Regions);
        Assert.Equal("eu-west-1", plan.HomeRegion);
        Assert.Equal("leastpriv-" + Session, plan.TrailName);
        Assert.Equal($"leastpriv-{Account}-{Session}", plan.BucketName);
        Assert.Equal($"arn:aws:cloudtrail:eu-west-1:{Account}:trail/leastpriv-{Session}", plan.TrailArn);
        Assert.Equal($"arn:aws:iam::{Account}:role/service-role/leastpriv-aa-{Session}", plan.AccessRoleArn);
        Assert.Empty(DiscoveryTrailPlanner.Warnings(plan));
    }

    [Fact]
    public void Plan_OneRegion_SingleRegionTrailThere()
    {
        var plan = DiscoveryTrailPlanner.Plan(new DiscoveryTrailRequest { SessionId = Session, Regions = { "us-east-1" } }, Account, "eu-west-1");

        Assert.False(plan.IsMultiRegionTrail);
        Assert.False(plan.AllRegions);
        Assert.Equal("us-east-1", plan.HomeRegion);
        Assert.Equal(new[] { "us-east-1" }, plan.Regions);
        Assert.Empty(DiscoveryTrailPlanner.Warnings(plan));
    }

    [Fact]
    public void Plan_SeveralRegionsWithoutUsEast1_MultiRegionHomeFirstBoundedAndWarnsAboutIam()
    {
        var plan = DiscoveryTrailPlanner.Plan(new DiscoveryTrailRequest { SessionId = Session, Regions = { "eu-west-1", "eu-central-1", "eu-west-1" } }, Account, null);

        Assert.True(plan.IsMultiRegionTrail);
        Assert.False(plan.AllRegions);
        Assert.Equal("eu-west-1", plan.HomeRegion);
        Assert.Equal(new[] { "eu-west-1", "eu-central-1" }, plan.Regions);
        var warnings = DiscoveryTrailPlanner.Warnings(plan);
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("us-east-1", StringComparison.Ordinal) && w.Contains("IAM", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("records every region", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_NoRegionAnywhere_AwsRegionNotFound()
        => Check(() => DiscoveryTrailPlanner.Plan(new DiscoveryTrailRequest { SessionId = Session }, Account, null), false, "AwsRegionNotFound");

    [Theory]
    [InlineData("lp-20261124033500-1a2b3c4d")]
    [InlineData("My_Session.With.UPPER_case-and-a-rather-long-tail-that-goes-on-and-on-and-on")]
    [InlineData("x")]
    public void DefaultNames_AnySessionId_AreValidNames(string sessionId)
    {
        var bucket = DiscoveryTrailPlanner.DefaultBucketName(Account, sessionId);
        DiscoveryTrailPlanner.BucketName(bucket);
        DiscoveryTrailPlanner.TrailName(DiscoveryTrailPlanner.DefaultTrailName(sessionId));
        LeastPriv.Core.Discovery.DiscoveryValidation.RoleName(DiscoveryTrailPlanner.DefaultAccessRoleName(sessionId));
        Assert.True(bucket.Length <= 63);
        Assert.Equal(bucket.ToLowerInvariant(), bucket);
        Assert.StartsWith($"leastpriv-{Account}-", bucket, StringComparison.Ordinal);
    }

    [Fact]
    public void EventSelectors_S3AndDynamoDB_ManagementPlusDataSelectorsExcludingOwnBucket()
    {
        var plan = DiscoveryTrailPlanner.Plan(new DiscoveryTrailRequest { SessionId = Session, DataEvents = { "DynamoDB", "S3" } }, Account, "us-east-1");

        var selectors = DiscoveryTrailProvisioner.EventSelectors(plan);

        Assert.Equal(3, selectors.Count);
        var management = Assert.Single(selectors[0].FieldSelectors);
        Assert.Equal(("eventCategory", "Management"), (management.Field, management.EqualTo!.Single()));
        var s3 = selectors[1].FieldSelectors.ToDictionary(f => f.Field);
        Assert.Equal("Data", s3["eventCategory"].EqualTo!.Single());
        Assert.Equal("AWS::S3::Object", s3["resources.type"].EqualTo!.Single());
        Assert.Equal($"arn:aws:s3:::{plan.BucketName}/", s3["resources.ARN"].NotStartsWith!.Single());
        Assert.Equal("AWS::DynamoDB::Table", selectors[2].FieldSelectors.Single(f => f.Field == "resources.type").EqualTo!.Single());
    }

    private static void Check(Action action, bool valid, string errorId)
    {
        if (valid)
        {
            action();
            return;
        }

        var ex = Assert.ThrowsAny<LeastPrivException>(action);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.True(ex.Category is LPErrorCategory.InvalidArgument or LPErrorCategory.InvalidOperation, ex.Category.ToString());
    }
}
