using LeastPriv.Emulator.Testing;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Reliability;

/// <summary>
/// No silent shrink from AWS reads: Compare-LPPolicy -PrincipalArn reads a principal's policies
/// page by page from IAM; a page that is throttled beyond the retries or denied stops the
/// command with a typed error and writes no comparison rows, against the enforcing stand-in
/// over HTTP.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AwsReadShrinkTests : IClassFixture<EnforcingStandInFixture>
{
    private const string Reference = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::lp-data/*\"}]}";

    private readonly EnforcingStandInFixture _fx;

    public AwsReadShrinkTests(EnforcingStandInFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task CompareLPPolicy_IamThrottledBeyondRetries_FailsWithThrottlingAndNoRows()
    {
        var (_, userArn) = await CreateUserWithInlinePolicyAsync();
        using var ps = PowerShellSession.Open();

        PSRun run;
        _fx.StandIn.Options.ThrottlingRate = 1.0;
        try
        {
            run = ps.Run("Compare-LPPolicy -Reference $reference -PrincipalArn $arn @aws -IncludeEqual", Vars(userArn, _fx.StandIn.Operator.AccessKeyId, _fx.StandIn.Operator.SecretAccessKey));
        }
        finally
        {
            _fx.StandIn.Options.ThrottlingRate = 0;
        }

        // The cmdlet stops (a statement-terminating error); no partial comparison is written.
        Assert.Empty(run.Output);
        var error = Assert.Single(run.Errors.Concat(run.TerminatingError is null ? [] : [run.TerminatingError]));
        Assert.StartsWith("AwsThrottling,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(System.Management.Automation.ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
    }

    [Fact]
    public async Task CompareLPPolicy_SecondIamReadDenied_FailsWithAccessDeniedAndNoRows()
    {
        // The caller may list and read inline policies but not the attached ones: the first read
        // succeeds and the second is denied.
        var (user, userArn) = await CreateUserWithInlinePolicyAsync();
        using var cli = _fx.OperatorCli();
        await Cli(cli, "iam", "put-user-policy", "--user-name", user, "--policy-name", "reader", "--policy-document",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:ListUserPolicies\",\"iam:GetUserPolicy\"],\"Resource\":\"*\"}]}");
        var key = (await Cli(cli, "iam", "create-access-key", "--user-name", user)).Json.GetProperty("AccessKey");
        using var ps = PowerShellSession.Open();

        var run = ps.Run(
            "Compare-LPPolicy -Reference $reference -PrincipalArn $arn @aws -IncludeEqual",
            Vars(userArn, key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!));

        // The cmdlet stops (a statement-terminating error); no partial comparison is written.
        Assert.Empty(run.Output);
        var error = Assert.Single(run.Errors.Concat(run.TerminatingError is null ? [] : [run.TerminatingError]));
        Assert.StartsWith("AwsAccessDenied,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
    }

    private async Task<(string User, string Arn)> CreateUserWithInlinePolicyAsync()
    {
        var user = "lp-shrink-" + Guid.NewGuid().ToString("N")[..8];
        using var cli = _fx.OperatorCli();
        var arn = (await Cli(cli, "iam", "create-user", "--user-name", user)).Json.GetProperty("User").GetProperty("Arn").GetString()!;
        await Cli(cli, "iam", "put-user-policy", "--user-name", user, "--policy-name", "app", "--policy-document", Reference);
        return (user, arn);
    }

    private static async Task<AwsCliResult> Cli(AwsCli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.Succeeded, $"aws {string.Join(' ', args.Take(2))}: {result}");
        return result;
    }

    private Dictionary<string, object?> Vars(string arn, string accessKey, string secretKey) => new()
    {
        ["reference"] = Reference,
        ["arn"] = arn,
        ["aws"] = new System.Collections.Hashtable
        {
            ["EndpointUrl"] = _fx.StandIn.Endpoint.ToString(),
            ["Region"] = "us-east-1",
            ["AccessKey"] = accessKey,
            ["SecretKey"] = secretKey,
        },
    };
}
