using LeastPriv.Core.Discovery;
using LeastPriv.Core.Generation;
using Xunit;

namespace LeastPriv.Core.Tests.Generation;

public sealed class PolicyGenerationRangeTests
{
    private const string User = "arn:aws:iam::111122223333:user/app-discovery";
    private const string Trail = "arn:aws:cloudtrail:us-east-1:111122223333:trail/lp-trail";
    private const string Role = "arn:aws:iam::111122223333:role/service-role/AccessAnalyzerMonitorServiceRole-lp";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Validate_ExactlyNinetyDays_IsAccepted()
    {
        PolicyGenerationRange.Validate(Now.AddDays(-90), Now);
    }

    [Fact]
    public void Validate_NinetyDaysAndASecond_IsTooLong()
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyGenerationRange.Validate(Now.AddDays(-90).AddSeconds(-1), Now));

        Assert.Equal("PolicyGenerationTimeRangeTooLong", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, ex.Category);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void Validate_EndNotAfterStart_IsInvalid(int endOffsetSeconds)
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyGenerationRange.Validate(Now, Now.AddSeconds(endOffsetSeconds)));

        Assert.Equal("PolicyGenerationTimeRangeInvalid", ex.ErrorId);
    }

    [Fact]
    public void Resolve_NoTimesGiven_SpansEarliestWindowStartToLatestWindowEnd()
    {
        var windows = new[]
        {
            new ManifestWindow { Label = "teardown", Start = Now.AddHours(-1), End = Now.AddMinutes(-40) },
            new ManifestWindow { Label = "deploy", Start = Now.AddHours(-3), End = Now.AddHours(-2) },
        };

        var (start, end) = PolicyGenerationRange.Resolve(null, null, windows, Now);

        Assert.Equal(Now.AddHours(-3), start);
        Assert.Equal(Now.AddMinutes(-40), end);
    }

    [Fact]
    public void Resolve_OpenWindow_EndsNow()
    {
        var (_, end) = PolicyGenerationRange.Resolve(null, null, [new ManifestWindow { Start = Now.AddHours(-1) }], Now);

        Assert.Equal(Now, end);
    }

    [Fact]
    public void Resolve_NoTimesAndNoWindows_IsTimeRangeMissing()
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyGenerationRange.Resolve(null, null, [], Now));

        Assert.Equal("PolicyGenerationTimeRangeMissing", ex.ErrorId);
    }

    [Fact]
    public void Resolve_WindowsOverNinetyDaysApart_IsTooLong()
    {
        var windows = new[]
        {
            new ManifestWindow { Start = Now.AddDays(-100), End = Now.AddDays(-100).AddHours(1) },
            new ManifestWindow { Start = Now.AddHours(-1), End = Now },
        };

        var ex = Assert.Throws<LeastPrivException>(() => PolicyGenerationRange.Resolve(null, null, windows, Now));

        Assert.Equal("PolicyGenerationTimeRangeTooLong", ex.ErrorId);
    }

    [Theory]
    [InlineData("eu-west-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("europe-1", false)]
    [InlineData("EU-WEST-1", false)]
    [InlineData("", false)]
    public void Regions_EachRegion_IsCheckedByName(string region, bool valid)
    {
        if (valid)
        {
            Assert.Equal([region], PolicyGenerationRange.Regions([region, region]));
        }
        else
        {
            Assert.Equal("AwsRegionInvalid", Assert.Throws<LeastPrivException>(() => PolicyGenerationRange.Regions([region])).ErrorId);
        }
    }

    [Theory]
    [InlineData("arn:aws:sts::111122223333:assumed-role/app/session")]
    [InlineData("arn:aws:iam::111122223333:root")]
    [InlineData("app-discovery")]
    public void PrincipalArn_NotAUserOrRole_IsInvalid(string arn)
    {
        Assert.Equal("PrincipalArnInvalid", Assert.Throws<LeastPrivException>(() => PolicyGenerationRange.PrincipalArn(arn)).ErrorId);
    }

    [Fact]
    public void Plan_SessionWithTrailAndWindows_TakesTrailRoleRegionsAndWindowsFromTheManifest()
    {
        var manifest = new SessionManifest
        {
            SessionId = "lp-test",
            Trail = new ManifestTrail { TrailName = "lp-trail", TrailArn = Trail, AccessRoleArn = Role, Regions = ["us-east-1", "eu-west-1"], BucketName = "b" },
            Windows = [new ManifestWindow { Start = Now.AddHours(-2), End = Now.AddHours(-1) }],
        };

        var start = PolicyGenerationPlanner.Plan(User, null, null, null, null, null, manifest, Now);

        Assert.Equal(Trail, start.TrailArn);
        Assert.Equal(Role, start.AccessRoleArn);
        Assert.Equal(["us-east-1", "eu-west-1"], start.Regions);
        Assert.Equal(Now.AddHours(-2), start.StartTime);
        Assert.Equal(Now.AddHours(-1), start.EndTime);
        Assert.Equal("lp-test", start.SessionId);
    }

    [Fact]
    public void Plan_ExplicitValues_WinOverTheManifest()
    {
        var manifest = new SessionManifest
        {
            SessionId = "lp-test",
            Trail = new ManifestTrail { TrailArn = Trail, AccessRoleArn = Role, Regions = ["us-east-1"], BucketName = "b" },
            Windows = [new ManifestWindow { Start = Now.AddHours(-2), End = Now.AddHours(-1) }],
        };
        var otherTrail = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/other";

        var start = PolicyGenerationPlanner.Plan(User, otherTrail, null, ["eu-west-1"], Now.AddDays(-3), Now.AddDays(-2), manifest, Now);

        Assert.Equal(otherTrail, start.TrailArn);
        Assert.Equal(["eu-west-1"], start.Regions);
        Assert.Equal(Now.AddDays(-3), start.StartTime);
    }

    [Theory]
    [InlineData(null, Role, "PolicyGenerationTrailMissing")]
    [InlineData("arn:aws:s3:::bucket", Role, "TrailArnInvalid")]
    [InlineData(Trail, null, "AccessRoleArnMissing")]
    [InlineData(Trail, "arn:aws:iam::111122223333:user/x", "AccessRoleArnInvalid")]
    public void Plan_MissingOrMalformedTrailOrRole_IsRefused(string? trail, string? role, string errorId)
    {
        var ex = Assert.Throws<LeastPrivException>(() => PolicyGenerationPlanner.Plan(User, trail, role, null, Now.AddHours(-1), Now, null, Now));

        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public void Plan_TrailOfAnotherAccountThanTheSession_IsTrailAccountMismatch()
    {
        var manifest = new SessionManifest
        {
            SessionId = "lp-test",
            AccountId = "111122223333",
            Trail = new ManifestTrail { TrailArn = Trail, AccessRoleArn = Role, Regions = ["us-east-1"], BucketName = "b" },
        };
        var foreign = "arn:aws:cloudtrail:us-east-1:210987654321:trail/t";

        var ex = Assert.Throws<LeastPrivException>(() => PolicyGenerationPlanner.Plan(User, foreign, null, null, Now.AddHours(-1), Now, manifest, Now));

        Assert.Equal("TrailAccountMismatch", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, ex.Category);
        Assert.Equal(foreign, ex.Target);
        Assert.Equal(Trail, PolicyGenerationPlanner.Plan(User, null, null, null, Now.AddHours(-1), Now, manifest, Now).TrailArn);
    }

    [Theory]
    [InlineData("7c9e6679-7425-40de-944b-e07fc1f90ae7", true)]
    [InlineData("../x", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void JobId_OnlyLettersDigitsAndHyphens_AreAccepted(string jobId, bool valid)
    {
        if (valid)
        {
            Assert.Equal(jobId, PolicyGenerationRange.JobId(jobId));
        }
        else
        {
            Assert.Equal("PolicyGenerationJobIdInvalid", Assert.Throws<LeastPrivException>(() => PolicyGenerationRange.JobId(jobId)).ErrorId);
        }
    }
}
