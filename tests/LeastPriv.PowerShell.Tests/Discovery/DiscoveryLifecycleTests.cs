using System.Management.Automation;
using System.Text.Json;
using LeastPriv.PowerShell.Tests.Harness;
using Xunit;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// The discovery lifecycle end to end: the cmdlets in a real PowerShell engine, against moto
/// behind the stand-in over HTTP, checked with the AWS CLI as a user would.
/// </summary>
[Trait("Category", "Integration")]
[Collection(DiscoveryStandInCollection.Name)]
public sealed class DiscoveryLifecycleTests
{
    private readonly DiscoveryStandInFixture _fx;

    public DiscoveryLifecycleTests(DiscoveryStandInFixture fixture)
    {
        _fx = fixture;
    }

    [Fact]
    public async Task NewLPDiscoveryUser_KeyFromOutput_AuthenticatesAsTheUser_AndRemoveLeavesNothing()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-e2e-" + Guid.NewGuid().ToString("N")[..8];

        var created = ps.Run(
            "$u = New-LPDiscoveryUser -UserName $name @aws -Verbose -Debug; $u; [System.Net.NetworkCredential]::new('', $u.SecretAccessKey).Password",
            Vars(("name", name)));

        created.ThrowIfFailed();
        var user = created.Output[0];
        var secret = (string)created.Output[1].BaseObject;
        Assert.Equal(name, user.Properties["UserName"].Value);
        Assert.DoesNotContain(secret, user.ToString(), StringComparison.Ordinal);
        AssertNoSecret(created, secret);
        AssertNoSecret(created, _fx.StandIn.Operator.SecretAccessKey);
        var manifestText = File.ReadAllText(Path.Combine(_fx.SessionsDirectory, user.Properties["SessionId"].Value + ".json"));
        Assert.DoesNotContain(secret, manifestText, StringComparison.Ordinal);
        Assert.DoesNotContain(_fx.StandIn.Operator.SecretAccessKey, manifestText, StringComparison.Ordinal);

        using (var asUser = new LeastPriv.Emulator.Testing.AwsCli(_fx.StandIn.Endpoint, (string)user.Properties["AccessKeyId"].Value, secret))
        {
            var identity = await asUser.RunAsync("sts", "get-caller-identity");
            Assert.True(identity.Succeeded, identity.ToString());
            Assert.Equal(user.Properties["Arn"].Value, identity.Json.GetProperty("Arn").GetString());
        }

        var removed = ps.Run("$u | Remove-LPDiscoveryResources -Force @aws", Vars());

        removed.ThrowIfFailed();
        var actions = removed.Output.Select(o => $"{o.Properties["ResourceType"].Value}:{o.Properties["Action"].Value}").ToList();
        Assert.Contains("AccessKey:Deleted", actions);
        Assert.Contains("UserPolicyAttachment:Deleted", actions);
        Assert.Contains("User:Deleted", actions);
        await AssertUserGoneAsync(name);
        using (var oldKey = new LeastPriv.Emulator.Testing.AwsCli(_fx.StandIn.Endpoint, (string)user.Properties["AccessKeyId"].Value, secret))
        {
            Assert.False((await oldKey.RunAsync("sts", "get-caller-identity")).Succeeded, "the deleted key still authenticates");
        }

        using (var cli = _fx.OperatorCli())
        {
            var entities = await cli.RunAsync("iam", "list-entities-for-policy", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess");
            Assert.True(entities.Succeeded, entities.ToString());
            Assert.DoesNotContain(name, entities.StandardOutput, StringComparison.Ordinal);
        }

        var session = ps.Run("Get-LPDiscoverySession -SessionId $u.SessionId -Refresh @aws", Vars()).ThrowIfFailed();
        Assert.Equal("Removed", session.Output.Single().Properties["State"].Value);
        Assert.Equal(0, session.Output.Single().Properties["RemainingCount"].Value);
    }

    [Fact]
    public void NewLPDiscoveryUser_KeyPropagationDelay_WaitsWithProgressAndSucceeds()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-e2e-slow-" + Guid.NewGuid().ToString("N")[..6];
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var run = ps.Run("$u = New-LPDiscoveryUser -UserName $name @aws; $u; $null = $u | Remove-LPDiscoveryResources -Force @aws", Vars(("name", name)));

        Assert.Null(run.TerminatingError);
        Assert.Empty(run.Errors);
        Assert.True(clock.Elapsed >= DiscoveryStandInFixture.KeyDelay, $"returned after {clock.Elapsed}, before the key could authenticate");
        var waits = run.Progress.Where(p => p.Activity.Contains("access key", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(waits.Count(p => p.RecordType == ProgressRecordType.Processing) >= 2, string.Join(" | ", waits.Select(w => w.StatusDescription)));
        Assert.Equal(ProgressRecordType.Completed, waits[^1].RecordType);
    }

    [Fact]
    public async Task NewLPDiscoveryUser_WhatIf_CreatesNothingAndWritesNoManifest()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-e2e-whatif-" + Guid.NewGuid().ToString("N")[..6];
        var before = ManifestFiles();

        var run = ps.Run("New-LPDiscoveryUser -UserName $name @aws -WhatIf", Vars(("name", name)));

        run.ThrowIfFailed();
        Assert.Empty(run.Output);
        Assert.Equal(before, ManifestFiles());
        await AssertUserGoneAsync(name);
    }

    [Fact]
    public async Task RemoveLPDiscoveryResources_KilledRunManifest_CleansEverythingAndSweepsTaggedStray()
    {
        // A run killed mid-way: the user, its policy and a key exist, but the manifest only got
        // as far as the key's Planned entry. A second tagged user never reached the manifest.
        var id = "lp-killed-" + Guid.NewGuid().ToString("N")[..8];
        var name = "lp-e2e-killed-" + Guid.NewGuid().ToString("N")[..6];
        var stray = "lp-e2e-stray-" + Guid.NewGuid().ToString("N")[..6];
        using var cli = _fx.OperatorCli();
        await MustAsync(cli, "iam", "create-user", "--user-name", name, "--tags", $"Key=leastpriv:session,Value={id}");
        await MustAsync(cli, "iam", "attach-user-policy", "--user-name", name, "--policy-arn", "arn:aws:iam::aws:policy/ReadOnlyAccess");
        await MustAsync(cli, "iam", "create-access-key", "--user-name", name);
        await MustAsync(cli, "iam", "create-user", "--user-name", stray, "--tags", $"Key=leastpriv:session,Value={id}");

        Directory.CreateDirectory(_fx.SessionsDirectory);
        File.WriteAllText(Path.Combine(_fx.SessionsDirectory, id + ".json"), $$"""
            {
              "schemaVersion": 1, "sessionId": "{{id}}", "state": "Active",
              "createdAt": "2026-11-24T03:00:00+00:00", "updatedAt": "2026-11-24T03:00:05+00:00",
              "accountId": "{{_fx.StandIn.Account}}", "region": "us-east-1", "principalType": "User", "principalName": "{{name}}",
              "resources": [
                { "type": "User", "name": "{{name}}", "state": "Created", "plannedAt": "2026-11-24T03:00:01+00:00", "updatedAt": "2026-11-24T03:00:02+00:00" },
                { "type": "UserPolicyAttachment", "name": "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "parent": "{{name}}", "state": "Created", "plannedAt": "2026-11-24T03:00:03+00:00", "updatedAt": "2026-11-24T03:00:03+00:00" },
                { "type": "AccessKey", "name": null, "parent": "{{name}}", "state": "Planned", "plannedAt": "2026-11-24T03:00:04+00:00", "updatedAt": "2026-11-24T03:00:04+00:00" }
              ],
              "windows": [], "jobs": []
            }
            """);
        using var ps = PowerShellSession.Open();

        var run = ps.Run("Get-LPDiscoverySession -SessionId $id | Remove-LPDiscoveryResources -Force @aws", Vars(("id", id)));

        run.ThrowIfFailed();
        Assert.DoesNotContain(run.Output, o => o.Properties["Action"].Value.ToString() == "Failed");
        Assert.Contains(run.Output, o => (string?)o.Properties["Name"].Value == stray && o.Properties["Source"].Value.ToString() == "TagSweep");
        await AssertUserGoneAsync(name);
        await AssertUserGoneAsync(stray);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_fx.SessionsDirectory, id + ".json")));
        Assert.Equal("Removed", manifest.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task NewLPDiscoveryRole_DefaultTrust_CallerCanAssumeIt_AndRemoveDeletesIt()
    {
        using var ps = PowerShellSession.Open();
        var name = "lp-e2e-role-" + Guid.NewGuid().ToString("N")[..6];

        var created = ps.Run("$r = New-LPDiscoveryRole -RoleName $name @aws; $r", Vars(("name", name))).ThrowIfFailed();

        var role = created.Output.Single();
        Assert.Equal(_fx.StandIn.Operator.Arn, role.Properties["TrustPrincipal"].Value);
        using var cli = _fx.OperatorCli();
        var assumed = await cli.RunAsync("sts", "assume-role", "--role-arn", (string)role.Properties["Arn"].Value, "--role-session-name", "e2e");
        Assert.True(assumed.Succeeded, assumed.ToString());

        var removed = ps.Run("$r | Remove-LPDiscoveryResources -Force @aws", Vars()).ThrowIfFailed();

        Assert.Contains(removed.Output, o => o.Properties["ResourceType"].Value.ToString() == "Role" && o.Properties["Action"].Value.ToString() == "Deleted");
        var get = await cli.RunAsync("iam", "get-role", "--role-name", name);
        Assert.Contains("NoSuchEntity", get.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void NewLPDiscoveryUser_InvalidNameOrArn_TypedErrorBeforeAnyCall()
    {
        using var ps = PowerShellSession.Open();
        var callsBefore = _fx.StandIn.RecordedEvents.Count;

        var badName = ps.Run("New-LPDiscoveryUser -UserName 'has space' @aws", Vars());
        var badArn = ps.Run("New-LPDiscoveryUser -UserName ok-name -PolicyArn 'arn:aws:s3:::bucket' @aws", Vars());
        var badSession = ps.Run("Remove-LPDiscoveryResources -SessionId '../x' -Force @aws", Vars());

        Assert.Equal("DiscoveryUserNameInvalid,LeastPriv.Commands.NewLPDiscoveryUserCommand", Assert.Single(badName.ErrorIds));
        var record = badName.TerminatingError ?? Assert.Single(badName.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, record.CategoryInfo.Category);
        Assert.Equal("has space", record.TargetObject);
        Assert.Equal("DiscoveryPolicyArnInvalid,LeastPriv.Commands.NewLPDiscoveryUserCommand", Assert.Single(badArn.ErrorIds));
        Assert.StartsWith("SessionIdInvalid,", Assert.Single(badSession.ErrorIds), StringComparison.Ordinal);
        Assert.Equal(callsBefore, _fx.StandIn.RecordedEvents.Count);
    }

    private Dictionary<string, object?> Vars(params (string Name, object? Value)[] extra)
    {
        var vars = _fx.AwsVariables();
        foreach (var (n, v) in extra)
        {
            vars[n] = v;
        }

        return vars;
    }

    private string[] ManifestFiles()
        => Directory.Exists(_fx.SessionsDirectory) ? Directory.GetFiles(_fx.SessionsDirectory).OrderBy(f => f, StringComparer.Ordinal).ToArray() : [];

    private static void AssertNoSecret(PSRun run, string secret)
    {
        var texts = run.Verbose.Select(v => v.Message)
            .Concat(run.Debug.Select(d => d.Message))
            .Concat(run.Warnings.Select(w => w.Message))
            .Concat(run.Progress.Select(p => p.StatusDescription + p.CurrentOperation))
            .Concat(run.Errors.Concat(run.TerminatingError is null ? [] : [run.TerminatingError]).Select(e => e.ToString() + e.Exception))
            .ToList();
        Assert.NotEmpty(run.Verbose);
        Assert.NotEmpty(run.Debug);
        Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
    }

    private async Task AssertUserGoneAsync(string name)
    {
        using var cli = _fx.OperatorCli();
        var get = await cli.RunAsync("iam", "get-user", "--user-name", name);
        Assert.False(get.Succeeded, $"user {name} still exists: {get}");
        Assert.Contains("NoSuchEntity", get.StandardError, StringComparison.Ordinal);
    }

    private static async Task MustAsync(LeastPriv.Emulator.Testing.AwsCli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.Succeeded, $"aws {string.Join(' ', args)}: {result}");
    }
}
