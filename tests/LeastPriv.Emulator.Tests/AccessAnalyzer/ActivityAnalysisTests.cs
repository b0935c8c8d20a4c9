using System.Text.Json;
using LeastPriv.Emulator.AccessAnalyzer;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

public sealed class ActivityAnalysisTests
{
    private const string User = "arn:aws:iam::123456789012:user/app";
    private const string Role = "arn:aws:iam::123456789012:role/path/app";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddDays(1);

    [Fact]
    public void AddRecord_UsersSuccessfulManagementCallInWindow_IsCounted()
    {
        var findings = Analyze(User, new(), Records.UserCall(User, "iam.amazonaws.com", "GetUser", Start.AddHours(1)));

        Assert.Equal(["iam:GetUser"], findings.Actions);
        Assert.True(findings.IsComplete);
    }

    [Theory]
    [InlineData("other-user")]
    [InlineData("outside-window")]
    [InlineData("data-event")]
    [InlineData("failed")]
    public void AddRecord_NotThePrincipalsCountableCall_IsIgnored(string which)
    {
        var record = which switch
        {
            "other-user" => Records.UserCall("arn:aws:iam::123456789012:user/other", "iam.amazonaws.com", "GetUser", Start.AddHours(1)),
            "outside-window" => Records.UserCall(User, "iam.amazonaws.com", "GetUser", End.AddSeconds(1)),
            "data-event" => Records.UserCall(User, "s3.amazonaws.com", "GetObject", Start.AddHours(1), category: "Data"),
            _ => Records.UserCall(User, "iam.amazonaws.com", "GetUser", Start.AddHours(1), errorCode: "AccessDenied"),
        };

        Assert.Empty(Analyze(User, new(), record).Actions);
    }

    [Fact]
    public void AddRecord_FailedCallsCountedWhenAsked_IsCounted()
    {
        var findings = Analyze(User, new() { CountFailedCalls = true }, Records.UserCall(User, "iam.amazonaws.com", "GetUser", Start.AddHours(1), errorCode: "AccessDenied"));

        Assert.Equal(["iam:GetUser"], findings.Actions);
    }

    [Fact]
    public void AddRecord_RoleSessions_MatchedBySessionIssuerNotByUserName()
    {
        var findings = Analyze(
            Role,
            new(),
            Records.RoleSessionCall(Role, "sqs.amazonaws.com", "ListQueues", Start.AddHours(1)),
            Records.UserCall("arn:aws:iam::123456789012:user/app", "iam.amazonaws.com", "GetUser", Start.AddHours(1)));

        Assert.Equal(["sqs:ListQueues"], findings.Actions);
    }

    [Fact]
    public void AddRecord_ServiceWithoutActionLevelSupport_IsServiceLevelAndIncomplete()
    {
        var findings = Analyze(User, new(), Records.UserCall(User, "sns.amazonaws.com", "Publish", Start.AddHours(1)));

        Assert.Empty(findings.Actions);
        Assert.Equal(["sns"], findings.ServiceLevelServices);
        Assert.False(findings.IsComplete);
    }

    [Fact]
    public void AddRecord_PermissionlessCall_KeptByDefaultDroppedWhenAsked()
    {
        var record = Records.UserCall(User, "sts.amazonaws.com", "GetCallerIdentity", Start.AddHours(1));

        Assert.Equal(["sts:GetCallerIdentity"], Analyze(User, new(), record).Actions);
        Assert.Empty(Analyze(User, new() { IncludePermissionlessCalls = false }, record).Actions);
    }

    private static GenerationFindings Analyze(string principal, AccessAnalyzerEmulatorOptions options, params string[] records)
    {
        var analysis = new ActivityAnalysis(principal, Start, End, options);
        using var document = JsonDocument.Parse("{\"Records\":[" + string.Join(",", records) + "]}");
        analysis.AddLogFile(document.RootElement);
        return analysis.Findings;
    }
}
