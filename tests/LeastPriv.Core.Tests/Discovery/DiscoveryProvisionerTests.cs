using LeastPriv.Core.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

public sealed class DiscoveryProvisionerTests
{
    [Fact]
    public async Task CreateUser_NewName_CreatesTaggedUserPolicyKeyAndManifestWithoutSecret()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var reporter = new RecordingReporter();
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, reporter, new ScriptedIdentity(iam));

        var user = await provisioner.CreateUserAsync(new DiscoveryUserRequest { UserName = "app-discovery" }, CancellationToken.None);

        Assert.NotNull(user);
        var created = iam.Users["app-discovery"];
        Assert.Contains(created.Tags, t => t.Key == "leastpriv:session" && t.Value == user!.SessionId);
        Assert.Equal(new[] { DiscoveryUserRequest.DefaultPolicyArn }, created.Attached);
        Assert.Equal(user!.AccessKeyId, Assert.Single(created.Keys));
        var secret = new System.Net.NetworkCredential(string.Empty, user.SecretAccessKey).Password;
        Assert.StartsWith("SECRET/", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, user.ToString(), StringComparison.Ordinal);

        var file = File.ReadAllText(temp.Store.PathOf(user.SessionId));
        Assert.DoesNotContain(secret, file, StringComparison.Ordinal);
        Assert.DoesNotContain("caller-secret", file, StringComparison.Ordinal);
        Assert.DoesNotContain(reporter.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        var manifest = temp.Store.Load(user.SessionId);
        Assert.Equal(created.Arn, manifest.PrincipalArn);
        Assert.All(manifest.Resources, r => Assert.Equal(DiscoveryResourceState.Created, r.State));
        Assert.Equal(
            new[] { DiscoveryResourceType.User, DiscoveryResourceType.UserPolicyAttachment, DiscoveryResourceType.AccessKey },
            manifest.Resources.Select(r => r.Type));
        Assert.Equal(user.AccessKeyId, manifest.Resources[2].Name);
    }

    [Fact]
    public async Task CreateUser_KeyRefusedAtFirst_RetriesWithProgressUntilItAuthenticates()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var identity = new ScriptedIdentity(iam) { RefuseNewKeyTimes = 2 };
        var reporter = new RecordingReporter();
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, reporter, identity);

        var user = await provisioner.CreateUserAsync(new DiscoveryUserRequest { UserName = "slow-key" }, CancellationToken.None);

        Assert.NotNull(user);
        Assert.Equal(4, identity.Calls);
        Assert.True(reporter.ProgressReports.Count(p => !p.Completed) >= 3);
        Assert.True(reporter.ProgressReports.Last().Completed);
        Assert.All(reporter.ProgressReports, p => Assert.Equal(DiscoveryProvisioner.KeyWaitActivityId, p.ActivityId));
    }

    [Fact]
    public async Task CreateUser_KeyNeverAuthenticates_TimesOutWithTypedErrorAndKeepsManifest()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var identity = new ScriptedIdentity(iam) { RefuseNewKeyTimes = 1000 };
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, new RecordingReporter(), identity);

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => provisioner.CreateUserAsync(
            new DiscoveryUserRequest { UserName = "never", KeyPropagationTimeout = TimeSpan.FromSeconds(1) }, CancellationToken.None));

        Assert.Equal("DiscoveryKeyNotAuthenticated", ex.ErrorId);
        Assert.Equal(LPErrorCategory.OperationTimeout, ex.Category);
        var manifest = Assert.Single(temp.Store.List());
        Assert.Contains(manifest.Resources, r => r.Type == DiscoveryResourceType.AccessKey && r.Name == iam.Users["never"].Keys[0]);
    }

    [Fact]
    public async Task CreateUser_NotConfirmed_CallsNothingAndWritesNoManifest()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var identity = new ScriptedIdentity(iam);
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, new RecordingReporter { Approve = false }, identity);

        var user = await provisioner.CreateUserAsync(new DiscoveryUserRequest { UserName = "whatif" }, CancellationToken.None);

        Assert.Null(user);
        Assert.Empty(iam.Calls);
        Assert.Equal(0, identity.Calls);
        Assert.False(Directory.Exists(temp.Directory) && Directory.EnumerateFiles(temp.Directory).Any());
    }

    [Fact]
    public async Task CreateUser_NameExists_ThrowsDiscoveryUserExistsBeforeAnyMutation()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        iam.AddUser("taken");
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, new RecordingReporter(), new ScriptedIdentity(iam));

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => provisioner.CreateUserAsync(new DiscoveryUserRequest { UserName = "taken" }, CancellationToken.None));

        Assert.Equal("DiscoveryUserExists", ex.ErrorId);
        Assert.Equal(LPErrorCategory.ResourceExists, ex.Category);
        Assert.Empty(iam.Calls);
        Assert.Empty(temp.Store.List());
    }

    [Fact]
    public async Task CreateUser_NameExistsWithForce_AdoptsTagsAndGivesNewKey()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        iam.AddUser("taken");
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, new RecordingReporter(), new ScriptedIdentity(iam));

        var user = await provisioner.CreateUserAsync(new DiscoveryUserRequest { UserName = "taken", Force = true }, CancellationToken.None);

        Assert.True(user!.Adopted);
        Assert.Contains(iam.Users["taken"].Tags, t => t.Value == user.SessionId);
        Assert.True(temp.Store.Load(user.SessionId).Resources[0].Adopted);
    }

    [Fact]
    public async Task CreateUser_AttachFails_ManifestRecordsFailedAndEarlierCreated()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        iam.Denied.Add("AttachUserPolicy");
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, new RecordingReporter(), new ScriptedIdentity(iam));

        var ex = await Assert.ThrowsAsync<LeastPriv.Core.Aws.AwsServiceException>(() => provisioner.CreateUserAsync(new DiscoveryUserRequest { UserName = "half" }, CancellationToken.None));

        Assert.Equal("AwsAccessDenied", ex.ErrorId);
        var manifest = Assert.Single(temp.Store.List());
        Assert.Equal(DiscoveryResourceState.Created, manifest.Resources[0].State);
        Assert.Equal(DiscoveryResourceState.Failed, manifest.Resources[1].State);
        Assert.Contains("AccessDenied", manifest.Resources[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRole_DefaultTrust_TrustsTheCallerAndRecordsTheRole()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var provisioner = new DiscoveryProvisioner(TempStore.CallerContext(), iam, temp.Store, new RecordingReporter(), new ScriptedIdentity(iam));

        var role = await provisioner.CreateRoleAsync(new DiscoveryRoleRequest { RoleName = "app-role" }, CancellationToken.None);

        Assert.Equal($"arn:aws:iam::{InMemoryIam.Account}:user/operator", role!.TrustPrincipal);
        Assert.Contains(iam.Roles["app-role"].Tags, t => t.Key == "leastpriv:session" && t.Value == role.SessionId);
        Assert.Equal(new[] { DiscoveryUserRequest.DefaultPolicyArn }, iam.Roles["app-role"].Attached);
        var manifest = temp.Store.Load(role.SessionId);
        Assert.Equal(new[] { DiscoveryResourceType.Role, DiscoveryResourceType.RolePolicyAttachment }, manifest.Resources.Select(r => r.Type));
    }

    [Fact]
    public void TrustPolicy_Principal_AllowsAssumeRoleOnly()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(DiscoveryProvisioner.TrustPolicy("arn:aws:iam::123456789012:user/alice"));
        var statement = doc.RootElement.GetProperty("Statement")[0];

        Assert.Equal("sts:AssumeRole", statement.GetProperty("Action").GetString());
        Assert.Equal("arn:aws:iam::123456789012:user/alice", statement.GetProperty("Principal").GetProperty("AWS").GetString());
    }
}
