using LeastPriv.Core.Aws;
using LeastPriv.Core.Reporting;
using LeastPriv.Core.Tests.Aws.Infrastructure;
using Xunit;

namespace LeastPriv.Core.Tests.Aws;

/// <summary>Credential, region and endpoint resolution with temporary files and environment variables.</summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class AwsContextTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lp-aws-ctx-" + Guid.NewGuid().ToString("N"));

    public AwsContextTests()
    {
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Resolve_ExplicitKeys_WinOverEnvironmentAndProfile()
    {
        using var env = new EnvironmentScope(WriteFiles())
            .Set("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
            .Set("AWS_SECRET_ACCESS_KEY", "env-secret")
            .Set("AWS_PROFILE", "dev");
        var reporter = new RecordingReporter();

        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "explicit-secret", SessionToken = "tok", Region = "eu-west-2" }, reporter);

        var creds = await ctx.Credentials.GetCredentialsAsync();
        Assert.Equal("AKIAEXPLICIT00000001", creds.AccessKey);
        Assert.Equal("tok", creds.Token);
        Assert.Equal("eu-west-2", ctx.Region);
        Assert.Contains(reporter.DebugLines, l => l.Contains("-AccessKey/-SecretKey", StringComparison.Ordinal));
        Assert.DoesNotContain(reporter.DebugLines, l => l.Contains("explicit-secret", StringComparison.Ordinal) || l.Contains("AKIAEXPLICIT00000001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_ProfileNameWithProfileLocation_UsesThatProfileAndItsRegion()
    {
        var credentials = WriteFiles();
        using var env = new EnvironmentScope().Set("AWS_REGION", "sa-east-1");
        var reporter = new RecordingReporter();

        var ctx = AwsContext.Resolve(new AwsContextOptions { ProfileName = "dev", ProfileLocation = Path.Combine(credentials, "credentials") }, reporter);

        Assert.Equal("AKIADEVPROFILE000001", (await ctx.Credentials.GetCredentialsAsync()).AccessKey);
        Assert.Equal("ap-south-1", ctx.Region);
        Assert.Equal("profile 'dev'", ctx.RegionSource);
        Assert.Contains(reporter.DebugLines, l => l.Contains("profile 'dev'", StringComparison.Ordinal) && l.Contains("credentials", StringComparison.Ordinal));
        Assert.DoesNotContain(reporter.DebugLines, l => l.Contains("dev-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_AwsProfileVariable_SelectsProfile()
    {
        using var env = new EnvironmentScope(WriteFiles()).Set("AWS_PROFILE", "dev");

        var ctx = AwsContext.Resolve(new AwsContextOptions());

        Assert.Equal("AKIADEVPROFILE000001", (await ctx.Credentials.GetCredentialsAsync()).AccessKey);
        Assert.Contains("AWS_PROFILE", ctx.CredentialSource);
    }

    [Fact]
    public async Task Resolve_EnvironmentKeys_BeatDefaultProfile()
    {
        using var env = new EnvironmentScope(WriteFiles())
            .Set("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001")
            .Set("AWS_SECRET_ACCESS_KEY", "env-secret")
            .Set("AWS_DEFAULT_REGION", "ca-central-1");

        var ctx = AwsContext.Resolve(new AwsContextOptions());

        Assert.Equal("AKIAENVIRONMENT00001", (await ctx.Credentials.GetCredentialsAsync()).AccessKey);
        Assert.Contains("environment", ctx.CredentialSource);
        // The default profile's region still comes before the environment, as in the SDKs.
        Assert.Equal("eu-west-3", ctx.Region);
    }

    [Fact]
    public async Task Resolve_NothingButDefaultProfile_UsesDefaultProfile()
    {
        using var env = new EnvironmentScope(WriteFiles());

        var ctx = AwsContext.Resolve(new AwsContextOptions());

        Assert.Equal("AKIADEFAULTPROFILE01", (await ctx.Credentials.GetCredentialsAsync()).AccessKey);
        Assert.Equal("eu-west-3", ctx.Region);
    }

    [Fact]
    public void Resolve_RegionFromEnvironment_WhenProfileHasNone()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "us-west-2");

        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s" });

        Assert.Equal("us-west-2", ctx.Region);
        Assert.Equal("AWS_REGION", ctx.RegionSource);
    }

    [Fact]
    public void Resolve_NoCredentialsAnywhere_ThrowsAwsCredentialsNotFoundSayingWhatToSet()
    {
        File.WriteAllText(Path.Combine(_dir, "credentials"), string.Empty);
        using var env = new EnvironmentScope(_dir);

        var ex = Assert.Throws<LeastPrivException>(() => AwsContext.Resolve(new AwsContextOptions { Region = "eu-west-1" }));

        Assert.Equal("AwsCredentialsNotFound", ex.ErrorId);
        Assert.Equal(LPErrorCategory.AuthenticationError, ex.Category);
        Assert.Contains("-ProfileName", ex.Message);
        Assert.Contains("AWS_ACCESS_KEY_ID", ex.Message);
    }

    [Fact]
    public void Resolve_UnknownProfile_ThrowsAwsProfileNotFound()
    {
        var dir = WriteFiles();
        using var env = new EnvironmentScope(dir);

        var ex = Assert.Throws<LeastPrivException>(() => AwsContext.Resolve(new AwsContextOptions { ProfileName = "nope", ProfileLocation = Path.Combine(dir, "credentials") }));

        Assert.Equal("AwsProfileNotFound", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ObjectNotFound, ex.Category);
        Assert.Equal("nope", ex.Target);
    }

    [Fact]
    public void Resolve_MissingProfileLocation_ThrowsBeforeAnyLookup()
    {
        using var env = new EnvironmentScope();

        var ex = Assert.Throws<LeastPrivException>(() => AwsContext.Resolve(new AwsContextOptions { ProfileLocation = Path.Combine(_dir, "missing", "credentials") }));

        Assert.Equal("AwsProfileLocationNotFound", ex.ErrorId);
    }

    [Theory]
    [InlineData("moon-1")]
    [InlineData("eu-west-1 ")]
    [InlineData("EU-WEST-1")]
    [InlineData("")]
    public void Resolve_UnknownRegion_ThrowsAwsRegionInvalid(string region)
    {
        using var env = new EnvironmentScope();

        var ex = Assert.Throws<LeastPrivException>(() => AwsContext.Resolve(new AwsContextOptions { Region = region, AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s" }));

        Assert.Equal("AwsRegionInvalid", ex.ErrorId);
        Assert.Equal(LPErrorCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public void Resolve_UnknownRegionInEnvironment_ThrowsAwsRegionInvalid()
    {
        using var env = new EnvironmentScope().Set("AWS_REGION", "nowhere");

        var ex = Assert.Throws<LeastPrivException>(() => AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s" }));

        Assert.Equal("AwsRegionInvalid", ex.ErrorId);
        Assert.Contains("AWS_REGION", ex.Message);
    }

    [Fact]
    public void Resolve_SecretKeyWithoutAccessKey_ThrowsAwsCredentialsIncomplete()
    {
        using var env = new EnvironmentScope();

        var ex = Assert.Throws<LeastPrivException>(() => AwsContext.Resolve(new AwsContextOptions { SecretKey = "s", Region = "eu-west-1" }));

        Assert.Equal("AwsCredentialsIncomplete", ex.ErrorId);
    }

    [Fact]
    public void Resolve_BadEndpointUrl_ThrowsAwsEndpointInvalid()
    {
        using var env = new EnvironmentScope();

        var ex = Assert.Throws<LeastPrivException>(() => AwsContext.Resolve(new AwsContextOptions { EndpointUrl = "127.0.0.1:4566", AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s" }));

        Assert.Equal("AwsEndpointInvalid", ex.ErrorId);
    }

    [Fact]
    public void RegionalClient_NoRegionAnywhere_ThrowsAwsRegionNotFoundButIamWorks()
    {
        using var env = new EnvironmentScope();
        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s" });

        Assert.Null(ctx.Region);
        Assert.Equal(new Uri("https://iam.amazonaws.com/"), ctx.EndpointFor(AwsService.Iam).Url);
        var ex = Assert.Throws<LeastPrivException>(() => ctx.CreateCloudTrailClient());
        Assert.Equal("AwsRegionNotFound", ex.ErrorId);
    }

    [Theory]
    [InlineData("eu-west-1", AwsService.Iam, "https://iam.amazonaws.com/", "us-east-1")]
    [InlineData("cn-northwest-1", AwsService.Iam, "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("us-gov-east-1", AwsService.Iam, "https://iam.us-gov.amazonaws.com/", "us-gov-west-1")]
    [InlineData("eu-west-1", AwsService.CloudTrail, "https://cloudtrail.eu-west-1.amazonaws.com/", "eu-west-1")]
    [InlineData("cn-north-1", AwsService.AccessAnalyzer, "https://access-analyzer.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("ap-southeast-2", AwsService.Sts, "https://sts.ap-southeast-2.amazonaws.com/", "ap-southeast-2")]
    [InlineData("eu-central-1", AwsService.S3, "https://s3.eu-central-1.amazonaws.com/", "eu-central-1")]
    public void EndpointFor_NoOverride_PublicEndpointAndSigningRegionOfPartition(string region, AwsService service, string url, string signingRegion)
    {
        using var env = new EnvironmentScope();
        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s", Region = region });

        var endpoint = ctx.EndpointFor(service);

        Assert.Equal(new Uri(url), endpoint.Url);
        Assert.Equal(signingRegion, endpoint.SigningRegion);
        Assert.False(endpoint.IsOverride);
    }

    [Fact]
    public void EndpointFor_ServiceVariableBeatsGlobalVariable_ExplicitBeatsBoth()
    {
        using var env = new EnvironmentScope()
            .Set("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
            .Set("AWS_ENDPOINT_URL_ACCESSANALYZER", "http://127.0.0.1:5000");
        var fromEnv = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s", Region = "eu-west-1" });
        var explicitOne = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s", Region = "eu-west-1", EndpointUrl = "http://127.0.0.1:7000" });

        Assert.Equal("http://127.0.0.1:5000/", fromEnv.EndpointFor(AwsService.AccessAnalyzer).Url.ToString());
        Assert.Equal("AWS_ENDPOINT_URL_ACCESSANALYZER", fromEnv.EndpointFor(AwsService.AccessAnalyzer).Source);
        Assert.Equal("http://127.0.0.1:4566/", fromEnv.EndpointFor(AwsService.CloudTrail).Url.ToString());
        Assert.Equal("AWS_ENDPOINT_URL", fromEnv.EndpointFor(AwsService.CloudTrail).Source);
        // IAM keeps its signing region whatever the endpoint.
        Assert.Equal("us-east-1", fromEnv.EndpointFor(AwsService.Iam).SigningRegion);
        Assert.Equal("http://127.0.0.1:7000/", explicitOne.EndpointFor(AwsService.AccessAnalyzer).Url.ToString());
        Assert.True(explicitOne.EndpointFor(AwsService.S3).IsOverride);
    }

    [Theory]
    [InlineData("IAM", AwsService.Iam)]
    [InlineData("STS", AwsService.Sts)]
    [InlineData("S3", AwsService.S3)]
    [InlineData("CLOUDTRAIL", AwsService.CloudTrail)]
    [InlineData("ACCESSANALYZER", AwsService.AccessAnalyzer)]
    public void EndpointFor_ServiceVariable_AppliesToThatServiceOnly(string suffix, AwsService service)
    {
        using var env = new EnvironmentScope().Set("AWS_ENDPOINT_URL_" + suffix, "http://127.0.0.1:6001");
        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s", Region = "eu-west-1" });

        foreach (var other in Enum.GetValues<AwsService>())
        {
            Assert.Equal(other == service, ctx.EndpointFor(other).IsOverride);
        }
    }

    [Fact]
    public void EndpointFor_IgnoreConfiguredEndpoints_SkipsVariables()
    {
        using var env = new EnvironmentScope()
            .Set("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
            .Set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s", Region = "eu-west-1" });

        Assert.False(ctx.EndpointFor(AwsService.CloudTrail).IsOverride);
    }

    [Fact]
    public void EndpointFor_BadEndpointVariable_ThrowsAwsEndpointInvalidNamingTheVariable()
    {
        using var env = new EnvironmentScope().Set("AWS_ENDPOINT_URL_IAM", "not a url");
        var ctx = AwsContext.Resolve(new AwsContextOptions { AccessKey = "AKIAEXPLICIT00000001", SecretKey = "s", Region = "eu-west-1" });

        var ex = Assert.Throws<LeastPrivException>(() => ctx.CreateIamClient());

        Assert.Equal("AwsEndpointInvalid", ex.ErrorId);
        Assert.Contains("AWS_ENDPOINT_URL_IAM", ex.Message);
    }

    [Theory]
    [InlineData("eu-west-1", "aws")]
    [InlineData("cn-north-1", "aws-cn")]
    [InlineData("us-gov-west-1", "aws-us-gov")]
    [InlineData("us-east-1", "aws")]
    public void PartitionOf_Region_ReturnsArnPartition(string region, string partition)
        => Assert.Equal(partition, AwsRegions.PartitionOf(region).Name);

    private string WriteFiles()
    {
        File.WriteAllText(Path.Combine(_dir, "credentials"), string.Join("\n",
            "[default]",
            "aws_access_key_id = AKIADEFAULTPROFILE01",
            "aws_secret_access_key = default-secret",
            "[dev]",
            "aws_access_key_id = AKIADEVPROFILE000001",
            "aws_secret_access_key = dev-secret",
            string.Empty));
        File.WriteAllText(Path.Combine(_dir, "config"), string.Join("\n",
            "[default]",
            "region = eu-west-3",
            "[profile dev]",
            "region = ap-south-1",
            string.Empty));
        return _dir;
    }

    private sealed class RecordingReporter : IEngineReporter
    {
        public List<string> DebugLines { get; } = new();

        public void Progress(ProgressReport report)
        {
        }

        public void Warning(string message)
        {
        }

        public void Verbose(string message)
        {
        }

        public void Debug(string message) => DebugLines.Add(message);

        public void Error(LeastPrivException error)
        {
        }

        public bool ShouldProcess(string target, string action) => true;
    }
}
