using System.Management.Automation;
using System.Text.Json;
using LeastPriv.Emulator;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// Invoke-LPDiscoveryCapture and Test-LPPolicy -ScriptBlock end to end: AWS CLI workloads in a
/// real PowerShell engine, against moto enforcing IAM behind the stand-in.
/// </summary>
[Trait("Category", "Integration")]
[Collection(DiscoveryStandInCollection.Name)]
public sealed class DiscoveryCaptureTests
{
    // A variable the capture unsets for the duration (harmless on its own for other tests).
    private const string CallerOnlyVariable = "AWS_ROLE_SESSION_NAME";

    private static readonly string[] WatchedVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL", "AWS_PROFILE", CallerOnlyVariable,
    ];

    private readonly DiscoveryStandInFixture _fx;

    public DiscoveryCaptureTests(DiscoveryStandInFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public void InvokeLPDiscoveryCapture_AwsCliWorkload_RunsAsTheUser_RestoresTheEnvironment_AndWindowsAccumulate()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-cap-" + Guid.NewGuid().ToString("N")[..8];
        var created = ps.Run(
            "$u = New-LPDiscoveryUser -UserName $name @aws; $u; [System.Net.NetworkCredential]::new('', $u.SecretAccessKey).Password",
            Vars(("name", name))).ThrowIfFailed();
        var userArn = (string)created.Output[0].Properties["Arn"].Value;
        var sessionId = (string)created.Output[0].Properties["SessionId"].Value;
        var secret = (string)created.Output[1].BaseObject;
        Environment.SetEnvironmentVariable(CallerOnlyVariable, "caller-session");
        var before = Snapshot();
        try
        {
            var deploy = ps.Run(
                """
                $u | Invoke-LPDiscoveryCapture -Label deploy -EndpointUrl $endpoint -Verbose -Debug -ScriptBlock {
                    $global:lpIdentity = & $awsCli sts get-caller-identity --query Arn --output text
                    $global:lpInside = "$env:AWS_ACCESS_KEY_ID|$env:AWS_REGION|$env:AWS_ENDPOINT_URL|$env:AWS_ROLE_SESSION_NAME"
                    & $awsCli iam list-users --output text | Out-Null
                }
                """,
                Vars(("endpoint", _fx.EndpointText))).ThrowIfFailed();

            Assert.Equal(before, Snapshot());
            Assert.Equal(userArn, ((string)Variable(ps, "lpIdentity")!).Trim());
            Assert.Equal($"{created.Output[0].Properties["AccessKeyId"].Value}|us-east-1|{_fx.EndpointText}|", Variable(ps, "lpInside"));
            var window = Assert.Single(deploy.Output);
            Assert.Equal("LeastPriv.LPCaptureWindow", window.BaseObject.GetType().FullName);
            Assert.Equal("deploy", window.Properties["Label"].Value);
            Assert.Equal(sessionId, window.Properties["SessionId"].Value);
            Assert.Equal(userArn, window.Properties["PrincipalArn"].Value);
            Assert.True((bool)window.Properties["Succeeded"].Value);
            Assert.Equal(0, window.Properties["ExitCode"].Value);
            var start = (DateTimeOffset)window.Properties["StartTime"].Value;
            var end = (DateTimeOffset)window.Properties["EndTime"].Value;
            Assert.True(start <= DateTimeOffset.UtcNow.AddMinutes(-1) && end >= DateTimeOffset.UtcNow.AddSeconds(30), $"{start:o} - {end:o} is not widened by the margin");
            AssertNoSecret(deploy, secret);

            // A failing workload: the window is recorded all the same, the failure is an error.
            var teardown = ps.Run(
                "$u | Invoke-LPDiscoveryCapture -Label teardown -EndpointUrl $endpoint -ScriptBlock { & $awsCli s3api head-bucket --bucket lp-no-such-bucket-for-capture }",
                Vars(("endpoint", _fx.EndpointText)));

            Assert.Null(teardown.TerminatingError);
            Assert.Equal("CaptureWorkloadFailed,LeastPriv.Commands.InvokeLPDiscoveryCaptureCommand", Assert.Single(teardown.Errors).FullyQualifiedErrorId);
            var failed = Assert.Single(teardown.Output);
            Assert.False((bool)failed.Properties["Succeeded"].Value);
            Assert.NotEqual(0, failed.Properties["ExitCode"].Value);
            Assert.Contains("Exit code", (string)failed.Properties["Error"].Value, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot());

            using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_fx.SessionsDirectory, sessionId + ".json"))))
            {
                var windows = manifest.RootElement.GetProperty("windows").EnumerateArray().ToList();
                Assert.Equal(["deploy", "teardown"], windows.Select(w => w.GetProperty("label").GetString()));
                Assert.All(windows, w => Assert.Equal(JsonValueKind.String, w.GetProperty("end").ValueKind));
                Assert.Equal([true, false], windows.Select(w => w.GetProperty("succeeded").GetBoolean()));
                Assert.DoesNotContain(secret, manifest.RootElement.GetRawText(), StringComparison.Ordinal);
            }

            var session = ps.Run("Get-LPDiscoverySession -SessionId $u.SessionId", Vars()).ThrowIfFailed();
            var listed = (System.Collections.IEnumerable)session.Output.Single().Properties["Windows"].Value;
            Assert.Equal(["deploy", "teardown"], listed.Cast<object>().Select(w => (string?)PSObject.AsPSObject(w).Properties["Label"].Value));
        }
        finally
        {
            Environment.SetEnvironmentVariable(CallerOnlyVariable, null);
            ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars());
        }
    }

    [Fact]
    public async Task InvokeLPDiscoveryCapture_Role_WorkloadRunsAsTheAssumedRoleWithASessionToken()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-cap-role-" + Guid.NewGuid().ToString("N")[..6];
        var before = Snapshot();
        try
        {
            var run = ps.Run(
                """
                $r = New-LPDiscoveryRole -RoleName $name @aws
                $r | Invoke-LPDiscoveryCapture @aws -Label deploy -ScriptBlock {
                    $global:lpIdentity = & $awsCli sts get-caller-identity --query Arn --output text
                    $global:lpHasToken = [bool]$env:AWS_SESSION_TOKEN
                }
                """,
                Vars(("name", name))).ThrowIfFailed();

            var window = Assert.Single(run.Output);
            Assert.True((bool)window.Properties["Succeeded"].Value);
            Assert.EndsWith(":role/" + name, (string)window.Properties["PrincipalArn"].Value, StringComparison.Ordinal);
            Assert.Contains($":assumed-role/{name}/", (string)Variable(ps, "lpIdentity")!, StringComparison.Ordinal);
            Assert.Equal(true, Variable(ps, "lpHasToken"));
            Assert.Equal(before, Snapshot());
        }
        finally
        {
            ps.Run("$r | Remove-LPDiscoveryResources -Force @aws", Vars());
        }

        using var cli = _fx.OperatorCli();
        Assert.Contains("NoSuchEntity", (await cli.RunAsync("iam", "get-role", "--role-name", name)).StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void InvokeLPDiscoveryCapture_WhatIfAndBadInput_RunNothingAndRecordNothing()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-cap-bad-" + Guid.NewGuid().ToString("N")[..6];
        ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws", Vars(("name", name))).ThrowIfFailed();
        try
        {
            var manifestPath = Path.Combine(_fx.SessionsDirectory, ps.GetVariable("u") is PSObject u ? u.Properties["SessionId"].Value + ".json" : "?");
            var manifestBefore = File.ReadAllText(manifestPath);
            var callsBefore = _fx.StandIn.RecordedEvents.Count;
            var before = Snapshot();

            var whatIf = ps.Run("$global:lpRan = $false; $u | Invoke-LPDiscoveryCapture -Label x -WhatIf -ScriptBlock { $global:lpRan = $true }", Vars());
            var unknown = ps.Run("'lp-20260101000000-deadbeef' | Invoke-LPDiscoveryCapture -ScriptBlock { $global:lpRan = $true }", Vars());
            var userById = ps.Run("$u.SessionId | Invoke-LPDiscoveryCapture -ScriptBlock { $global:lpRan = $true }", Vars());
            var noFile = ps.Run("$u | Invoke-LPDiscoveryCapture -FilePath ./no/such/workload.sh", Vars());
            var notPrincipal = ps.Run("42 | Invoke-LPDiscoveryCapture -ScriptBlock { $global:lpRan = $true }", Vars());

            whatIf.ThrowIfFailed();
            Assert.Empty(whatIf.Output);
            Assert.Equal(false, Variable(ps, "lpRan"));
            Assert.StartsWith("SessionNotFound,", Assert.Single(unknown.ErrorIds), StringComparison.Ordinal);
            Assert.StartsWith("DiscoveryCredentialsMissing,", Assert.Single(userById.ErrorIds), StringComparison.Ordinal);
            Assert.StartsWith("CaptureFileNotFound,", Assert.Single(noFile.ErrorIds), StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.ObjectNotFound, (noFile.TerminatingError ?? Assert.Single(noFile.Errors)).CategoryInfo.Category);
            Assert.StartsWith("CaptureInputInvalid,", Assert.Single(notPrincipal.ErrorIds), StringComparison.Ordinal);
            Assert.Equal(false, Variable(ps, "lpRan"));
            Assert.Equal(manifestBefore, File.ReadAllText(manifestPath));
            Assert.Equal(callsBefore, _fx.StandIn.RecordedEvents.Count);
            Assert.Equal(before, Snapshot());

            // One capture at a time per process: a capture inside a capture is refused.
            var nested = ps.Run("$u | Invoke-LPDiscoveryCapture -Label outer -ScriptBlock { $u | Invoke-LPDiscoveryCapture -Label inner -ScriptBlock { $global:lpRan = $true } }", Vars());
            Assert.Contains(nested.Errors, e => e.FullyQualifiedErrorId.StartsWith("CaptureAlreadyRunning,", StringComparison.Ordinal));
            Assert.Equal(false, Variable(ps, "lpRan"));
            Assert.Equal("outer", Assert.Single(nested.Output).Properties["Label"].Value);
            Assert.Equal(before, Snapshot());
        }
        finally
        {
            ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars());
        }
    }

    [Fact]
    public void InvokeLPDiscoveryCapture_PipelineStopped_RestoresTheEnvironmentAndClosesTheWindow()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-cap-stop-" + Guid.NewGuid().ToString("N")[..6];
        var user = ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws; $u", Vars(("name", name))).ThrowIfFailed().Output.Single();
        var keyId = (string)user.Properties["AccessKeyId"].Value;
        var sessionId = (string)user.Properties["SessionId"].Value;
        var before = Snapshot();
        try
        {
            using (var pipeline = System.Management.Automation.PowerShell.Create(ps.Runspace))
            {
                pipeline.AddScript("$u | Invoke-LPDiscoveryCapture -Label stopped -ScriptBlock { & sleep 60 }");
                var running = pipeline.BeginInvoke();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var manifestPath = Path.Combine(_fx.SessionsDirectory, sessionId + ".json");

                // Stop once the workload is under way: the window is open and the key injected.
                while ((Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") != keyId || !File.ReadAllText(manifestPath).Contains("\"stopped\"", StringComparison.Ordinal))
                    && clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    Thread.Sleep(50);
                }

                Assert.Equal(keyId, Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"));
                pipeline.Stop();
                Assert.Throws<PipelineStoppedException>(() => pipeline.EndInvoke(running));
            }

            Assert.Equal(before, Snapshot());
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_fx.SessionsDirectory, sessionId + ".json")));
            var window = Assert.Single(manifest.RootElement.GetProperty("windows").EnumerateArray());
            Assert.Equal("stopped", window.GetProperty("label").GetString());
            Assert.Equal(JsonValueKind.String, window.GetProperty("end").ValueKind);
            Assert.False(window.GetProperty("succeeded").GetBoolean());

            // The guard was released: the next capture runs.
            var next = ps.Run("$u | Invoke-LPDiscoveryCapture -Label next -ScriptBlock { }", Vars()).ThrowIfFailed();
            Assert.True((bool)Assert.Single(next.Output).Properties["Succeeded"].Value);
        }
        finally
        {
            ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars());
        }
    }

    [Fact]
    public async Task TestLPPolicy_ScriptBlock_GeneratedPolicyPasses_AndWithOneActionRemovedFailsNamingIt()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var trailBucket = "lp-verify-trail-" + suffix;
        var trail = "lp-verify-" + suffix;
        var folder = Directory.CreateTempSubdirectory("lp-verify-").FullName;
        using var cli = _fx.OperatorCli();
        foreach (var command in new[]
        {
            new[] { "s3", "mb", $"s3://{trailBucket}" },
            new[] { "cloudtrail", "create-trail", "--name", trail, "--s3-bucket-name", trailBucket, "--is-multi-region-trail" },
            new[] { "cloudtrail", "start-logging", "--name", trail },
        })
        {
            var result = await cli.RunAsync(command);
            Assert.True(result.Succeeded, $"aws {string.Join(' ', command)}: {result}");
        }

        using var ps = PowerShellSession.Open();
        var name = "lp-cap-gen-" + Guid.NewGuid().ToString("N")[..6];
        var workload = ScriptBlock.Create(
            """
            & $awsCli sts get-caller-identity | Out-Null
            & $awsCli iam list-users | Out-Null
            & $awsCli s3api list-buckets | Out-Null
            """);
        var usersBefore = await ListUserNamesAsync(cli);

        // Other classes of the collection share LEASTPRIV_HOME and may have run verifications too.
        var sessionsBefore = ps.Run("Get-LPDiscoverySession | ForEach-Object { $_.SessionId }", Vars()).ThrowIfFailed()
            .Objects.Select(o => o.ToString()).ToHashSet();
        try
        {
            ps.Run(
                "$u = New-LPDiscoveryUser -UserName $name @aws; $w = $u | Invoke-LPDiscoveryCapture -Label deploy -EndpointUrl $endpoint -ScriptBlock $workload",
                Vars(("name", name), ("endpoint", _fx.EndpointText), ("workload", workload))).ThrowIfFailed();
            await _fx.StandIn.FlushDeliveryAsync();
            var logs = Path.Combine(folder, "logs");
            var copy = await cli.RunAsync("s3", "cp", $"s3://{trailBucket}/", logs, "--recursive");
            Assert.True(copy.Succeeded, copy.ToString());

            var generated = ps.Run(
                "$policy = Get-LPCloudTrailEvent -Path $logs -UserName $u.UserName -StartTime $w.StartTime.UtcDateTime -EndTime $w.EndTime.UtcDateTime | ConvertTo-LPPolicy; $policy.Actions",
                Vars(("logs", logs))).ThrowIfFailed();
            var actions = generated.Objects.Select(o => o.ToString()!).ToList();
            Assert.Equal(["iam:ListUsers", "s3:ListAllMyBuckets"], actions.OrderBy(a => a, StringComparer.Ordinal));

            var passed = ps.Run("$policy | Test-LPPolicy -ScriptBlock $workload @aws -Verbose -Debug", Vars()).ThrowIfFailed();
            var ok = Assert.Single(passed.Output);
            Assert.Equal("LeastPriv.LPPolicyVerification", ok.BaseObject.GetType().FullName);
            Assert.True((bool)ok.Properties["Passed"].Value, ok.ToString());
            Assert.Empty((System.Collections.IEnumerable)ok.Properties["DeniedActions"].Value);
            Assert.True((bool)ok.Properties["CleanedUp"].Value);
            var window = PSObject.AsPSObject(ok.Properties["Window"].Value);
            Assert.True((bool)window.Properties["Succeeded"].Value);
            Assert.Equal((string)ok.Properties["PrincipalArn"].Value, window.Properties["PrincipalArn"].Value);
            Assert.Contains(":user/lp-verify-", (string)window.Properties["PrincipalArn"].Value, StringComparison.Ordinal);

            foreach (var removed in new[] { "iam:ListUsers", "s3:ListAllMyBuckets" })
            {
                var kept = actions.Where(a => a != removed).Select(a => $"\"{a}\"");
                var json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[" + string.Join(",", kept) + "],\"Resource\":\"*\"}]}";

                var failed = ps.Run("Test-LPPolicy -Policy $json -ScriptBlock $workload @aws -Verbose", Vars(("json", json))).ThrowIfFailed();

                var verdict = Assert.Single(failed.Output);
                Assert.False((bool)verdict.Properties["Passed"].Value);
                Assert.Equal([removed], ((System.Collections.IEnumerable)verdict.Properties["DeniedActions"].Value).Cast<object>().Select(a => a.ToString()));
                Assert.True((bool)verdict.Properties["CleanedUp"].Value);
                Assert.Contains(failed.Verbose, v => v.Message.StartsWith("Denied: " + removed, StringComparison.Ordinal));
            }

            // Every temporary principal is gone, and its session says so.
            Assert.Equal(usersBefore.Append(name).Order(StringComparer.Ordinal), (await ListUserNamesAsync(cli)).Order(StringComparer.Ordinal));
            var sessions = ps.Run("Get-LPDiscoverySession | Where-Object { $_.Principal -like 'User lp-verify-*' }", Vars()).ThrowIfFailed()
                .Output.Where(s => !sessionsBefore.Contains((string)s.Properties["SessionId"].Value)).ToList();
            Assert.Equal(3, sessions.Count);
            Assert.All(sessions, s => Assert.Equal("Removed", s.Properties["State"].Value));
        }
        finally
        {
            ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars());
            await cli.RunAsync("cloudtrail", "delete-trail", "--name", trail);
        }
    }


    private static string? AwsCliPath => ToolLocator.Find("aws");

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] extra)
    {
        var vars = _fx.AwsVariables();
        vars["awsCli"] = AwsCliPath;
        foreach (var (n, v) in extra)
        {
            vars[n] = v;
        }

        return vars;
    }

    private static object? Variable(PowerShellSession ps, string name)
        => ps.GetVariable(name) is PSObject wrapped ? wrapped.BaseObject : ps.GetVariable(name);

    private static Dictionary<string, string?> Snapshot()
        => WatchedVariables.ToDictionary(n => n, Environment.GetEnvironmentVariable);

    private static async Task<List<string>> ListUserNamesAsync(LeastPriv.Emulator.Testing.AwsCli cli)
    {
        var list = await cli.RunAsync("iam", "list-users");
        Assert.True(list.Succeeded, list.ToString());
        return list.Json.GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()!).ToList();
    }

    private static void AssertNoSecret(PSRun run, string secret)
    {
        var texts = run.Verbose.Select(v => v.Message)
            .Concat(run.Debug.Select(d => d.Message))
            .Concat(run.Warnings.Select(w => w.Message))
            .Concat(run.Information.Select(i => i.MessageData?.ToString() ?? string.Empty))
            .Concat(run.Errors.Select(e => e.ToString()))
            .ToList();
        Assert.NotEmpty(run.Verbose);
        Assert.NotEmpty(run.Debug);
        Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
    }
}
