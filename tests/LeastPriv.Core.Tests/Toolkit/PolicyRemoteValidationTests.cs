using LeastPriv.Core.Aws;
using LeastPriv.Core.Policy;
using LeastPriv.Core.Policy.Lint;
using LeastPriv.Emulator.AccessAnalyzer;
using LeastPriv.Emulator.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace LeastPriv.Core.Tests.Toolkit;

public sealed class PolicyRemoteValidationTests
{
    [Theory]
    [InlineData("=\"Statement\"[0]=\"Action\"[1]", "Statement[0].Action[1]")]
    [InlineData("Statement[0].Condition.StringEquals", "Statement[0].Condition.StringEquals")]
    [InlineData("", "")]
    public void JsonPath_AccessAnalyzerLocation_BecomesADottedPath(string location, string expected)
    {
        Assert.Equal(expected, PolicyRemoteValidation.JsonPath(location));
    }

    [Theory]
    [InlineData("ERROR", LPFindingSeverity.Error)]
    [InlineData("SECURITY_WARNING", LPFindingSeverity.Warning)]
    [InlineData("WARNING", LPFindingSeverity.Warning)]
    [InlineData("SUGGESTION", LPFindingSeverity.Suggestion)]
    public void Map_AccessAnalyzerFinding_KeepsCodeAndPointsAtTheStatement(string type, LPFindingSeverity severity)
    {
        var policy = PolicyDocument.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"Second","Effect":"Allow","Action":"s3:Bogus","Resource":"*"}]}""");
        var finding = new AccessAnalyzerFinding
        {
            FindingType = type,
            IssueCode = "INVALID_ACTION",
            FindingDetails = "The action s3:Bogus does not exist.",
            LearnMoreLink = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
            Locations = new[] { new AccessAnalyzerLocation { Path = "Statement[1].Action" } },
        };

        var mapped = PolicyRemoteValidation.Map(finding, policy);

        Assert.Equal(severity, mapped.Severity);
        Assert.Equal("INVALID_ACTION", mapped.Code);
        Assert.Equal("Second", mapped.Statement);
        Assert.Equal("$.Statement[1].Action", mapped.Path);
        Assert.Equal("AccessAnalyzer", mapped.Source);
        Assert.Contains("s3:Bogus", mapped.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// Test-LPPolicy -Remote's engine against the emulated IAM Access Analyzer, hosted in Kestrel on
/// 127.0.0.1 over the stand-in's services (moto behind it), called over real signed HTTP.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PolicyRemoteValidationStandInTests : IClassFixture<StandInFixture>, IAsyncLifetime
{
    private readonly StandInFixture _fixture;
    private WebApplication? _host;
    private AccessAnalyzerEmulator? _analyzer;

    public PolicyRemoteValidationStandInTests(StandInFixture fixture) => _fixture = fixture;

    public async Task InitializeAsync()
    {
        _analyzer = new AccessAnalyzerEmulator(new AccessAnalyzerEmulatorOptions(), _fixture.StandIn.Services);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _host = builder.Build();
        var analyzer = _analyzer;
        _host.Run(context => analyzer.HandleAsync(context));
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
        }

        _analyzer?.Dispose();
    }

    [Fact]
    public async Task ValidateAsync_PolicyWithProblems_ReturnsAccessAnalyzerFindingsAsLPPolicyFindings()
    {
        var standIn = _fixture.StandIn;
        var context = AwsContext.Resolve(new AwsContextOptions
        {
            AccessKey = standIn.Operator.AccessKeyId,
            SecretKey = standIn.Operator.SecretAccessKey,
            Region = "us-east-1",
            EndpointUrl = _host!.Urls.First(),
        });
        var policy = PolicyDocument.Parse("""{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:NoSuchThing"],"Resource":"*"}]}""");

        var findings = await PolicyRemoteValidation.ValidateAsync(context.CreateAccessAnalyzerClient(), policy, CancellationToken.None);

        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal("AccessAnalyzer", f.Source));
        Assert.Contains(findings, f => f.Code == "MISSING_VERSION" && f.Severity == LPFindingSeverity.Warning);
        var invalid = Assert.Single(findings, f => f.Code == "INVALID_ACTION");
        Assert.Equal(LPFindingSeverity.Error, invalid.Severity);
        Assert.Equal("#0", invalid.Statement);
        Assert.Equal("$.Statement[0].Action[1]", invalid.Path);
    }
}
