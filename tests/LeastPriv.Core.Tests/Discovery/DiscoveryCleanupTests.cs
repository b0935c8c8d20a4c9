using LeastPriv.Core.Aws;
using LeastPriv.Core.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery;

public sealed class DiscoveryCleanupTests
{
    private const string Admin = "arn:aws:iam::aws:policy/AdministratorAccess";

    /// <summary>A session as New-LPDiscoveryUser leaves it: user, attachment, key, all Created.</summary>
    private static (SessionManifest Manifest, string KeyId) UserSession(InMemoryIam iam, SessionStore store, string id = "lp-test-1", string user = "app-discovery")
    {
        var principal = iam.AddUser(user, new AwsTag("leastpriv:session", id));
        principal.Attached.Add(Admin);
        var key = iam.AddKey(user);
        var manifest = new SessionManifest
        {
            SessionId = id,
            CreatedAt = DateTimeOffset.UtcNow,
            PrincipalType = "User",
            PrincipalName = user,
            Resources =
            {
                new ManifestResource { Type = DiscoveryResourceType.User, Name = user, Arn = principal.Arn, State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.UserPolicyAttachment, Name = Admin, Arn = Admin, Parent = user, State = DiscoveryResourceState.Created },
                new ManifestResource { Type = DiscoveryResourceType.AccessKey, Name = key, Parent = user, State = DiscoveryResourceState.Created },
            },
        };
        store.Save(manifest);
        return (manifest, key);
    }

    [Fact]
    public async Task Remove_UserSession_DeletesKeyThenPolicyThenUserAndMarksRemoved()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var (manifest, key) = UserSession(iam, temp.Store);

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter()).RemoveAsync(manifest, new DiscoveryCleanupOptions(), null, CancellationToken.None);

        Assert.Equal(new[] { $"DeleteAccessKey {key}", $"DetachUserPolicy {Admin}", "DeleteUser app-discovery" }, iam.Calls);
        Assert.All(results, r => Assert.Equal(LPCleanupAction.Deleted, r.Action));
        Assert.Empty(iam.Users);
        var saved = temp.Store.Load("lp-test-1");
        Assert.Equal(DiscoverySessionState.Removed, saved.State);
        Assert.All(saved.Resources, r => Assert.Equal(DiscoveryResourceState.Deleted, r.State));
    }

    [Fact]
    public async Task Remove_RunTwice_SecondRunReportsAlreadyGone()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var (manifest, _) = UserSession(iam, temp.Store);
        var cleanup = new DiscoveryCleanup(iam, temp.Store, new RecordingReporter());
        await cleanup.RemoveAsync(manifest, new DiscoveryCleanupOptions(), null, CancellationToken.None);

        var again = await cleanup.RemoveAsync(temp.Store.Load("lp-test-1"), new DiscoveryCleanupOptions(), null, CancellationToken.None);

        Assert.Equal(3, again.Count);
        Assert.All(again, r => Assert.Equal(LPCleanupAction.AlreadyGone, r.Action));
    }

    [Fact]
    public async Task Remove_OneDeleteDenied_ReportsFailedAndGoesOn()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var (manifest, _) = UserSession(iam, temp.Store);
        iam.Denied.Add("DetachUserPolicy");
        var reporter = new RecordingReporter();

        var results = await new DiscoveryCleanup(iam, temp.Store, reporter).RemoveAsync(manifest, new DiscoveryCleanupOptions(), null, CancellationToken.None);

        Assert.Contains(results, r => r.ResourceType == "AccessKey" && r.Action == LPCleanupAction.Deleted);
        Assert.Contains(results, r => r.ResourceType == "UserPolicyAttachment" && r.Action == LPCleanupAction.Failed && r.Error!.Contains("AccessDenied", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ResourceType == "User" && r.Action == LPCleanupAction.Failed);
        Assert.Contains(reporter.Errors, e => e.ErrorId == "DiscoveryResourceRemoveFailed");
        var saved = temp.Store.Load("lp-test-1");
        Assert.Equal(DiscoverySessionState.Active, saved.State);
        Assert.Contains(saved.Resources, r => r.State == DiscoveryResourceState.DeleteFailed);
    }

    [Fact]
    public async Task Remove_CrashedRunWithPlannedEntries_RemovesWhatExists()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();

        // A run killed after CreateAccessKey reached IAM but before the manifest learnt the key id.
        var user = iam.AddUser("crashed", new AwsTag("leastpriv:session", "lp-crash"));
        user.Attached.Add(Admin);
        iam.AddKey("crashed");
        var manifest = new SessionManifest
        {
            SessionId = "lp-crash",
            Resources =
            {
                new ManifestResource { Type = DiscoveryResourceType.User, Name = "crashed", State = DiscoveryResourceState.Planned },
                new ManifestResource { Type = DiscoveryResourceType.UserPolicyAttachment, Name = Admin, Arn = Admin, Parent = "crashed", State = DiscoveryResourceState.Planned },
                new ManifestResource { Type = DiscoveryResourceType.AccessKey, Name = null, Parent = "crashed", State = DiscoveryResourceState.Planned },
            },
        };
        temp.Store.Save(manifest);

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter()).RemoveAsync(manifest, new DiscoveryCleanupOptions(), null, CancellationToken.None);

        Assert.Empty(iam.Users);
        Assert.DoesNotContain(results, r => r.Action == LPCleanupAction.Failed);
        Assert.Equal(DiscoverySessionState.Removed, temp.Store.Load("lp-crash").State);
    }

    [Fact]
    public async Task Remove_TaggedUserMissingFromManifest_FoundBySweepAndDeleted()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var (manifest, _) = UserSession(iam, temp.Store);
        var stray = iam.AddUser("stray", new AwsTag("leastpriv:session", "lp-test-1"));
        stray.Inline["inline"] = "{}";
        iam.AddKey("stray");
        iam.AddUser("bystander", new AwsTag("leastpriv:session", "lp-other"));
        iam.AddRole("stray-role", new AwsTag("leastpriv:session", "lp-test-1")).Attached.Add(Admin);

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter()).RemoveAsync(manifest, new DiscoveryCleanupOptions(), null, CancellationToken.None);

        Assert.Equal(new[] { "bystander" }, iam.Users.Keys);
        Assert.Empty(iam.Roles);
        Assert.Contains(results, r => r.Source == "TagSweep" && r.Name == "stray" && r.Action == LPCleanupAction.Deleted);
        Assert.Contains(results, r => r.Source == "TagSweep" && r.Name == "stray-role" && r.Action == LPCleanupAction.Deleted);
        Assert.Contains(results, r => r.Source == "Dependent" && r.Parent == "stray" && r.ResourceType == "UserInlinePolicy");
        Assert.Contains(temp.Store.Load("lp-test-1").Resources, r => r.Name == "stray" && r.Origin == "TagSweep" && r.State == DiscoveryResourceState.Deleted);
    }

    [Fact]
    public async Task Remove_NotConfirmed_DeletesNothingAndManifestUnchanged()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var (manifest, _) = UserSession(iam, temp.Store);
        var reporter = new RecordingReporter { Approve = false };

        var results = await new DiscoveryCleanup(iam, temp.Store, reporter).RemoveAsync(manifest, new DiscoveryCleanupOptions(), null, CancellationToken.None);

        Assert.Empty(iam.Calls);
        Assert.All(results, r => Assert.Equal(LPCleanupAction.Skipped, r.Action));
        Assert.Contains(reporter.Asked, a => a.Contains("IAM user 'app-discovery'", StringComparison.Ordinal));
        Assert.Equal(DiscoverySessionState.Active, temp.Store.Load("lp-test-1").State);
    }

    [Fact]
    public void Sort_EveryResourceType_DependentsBeforeWhatTheyDependOn()
    {
        var all = Enum.GetValues<DiscoveryResourceType>().Reverse().Select(t => new ManifestResource { Type = t, Name = t.ToString() }).ToList();

        var order = CleanupOrder.Sort(all).Select(r => r.Type).ToList();

        Assert.Equal(DiscoveryResourceType.Trail, order[0]);
        Assert.True(order.IndexOf(DiscoveryResourceType.AccessKey) < order.IndexOf(DiscoveryResourceType.User));
        Assert.True(order.IndexOf(DiscoveryResourceType.UserPolicyAttachment) < order.IndexOf(DiscoveryResourceType.User));
        Assert.True(order.IndexOf(DiscoveryResourceType.RoleInlinePolicy) < order.IndexOf(DiscoveryResourceType.Role));
        Assert.True(order.IndexOf(DiscoveryResourceType.RolePolicyAttachment) < order.IndexOf(DiscoveryResourceType.ManagedPolicy));
        Assert.True(order.IndexOf(DiscoveryResourceType.ServiceRole) < order.IndexOf(DiscoveryResourceType.ManagedPolicy));
        Assert.Equal(DiscoveryResourceType.TrailBucket, order[^1]);
    }

    [Fact]
    public async Task Remove_KeepTrail_SkipsTrailBucketAndServiceRole()
    {
        using var temp = new TempStore();
        var iam = new InMemoryIam();
        var (manifest, _) = UserSession(iam, temp.Store);
        iam.AddRole("lp-analyzer-access").Inline["read-trail"] = "{}";
        manifest.Resources.Add(new ManifestResource { Type = DiscoveryResourceType.Trail, Name = "lp-trail", State = DiscoveryResourceState.Created });
        manifest.Resources.Add(new ManifestResource { Type = DiscoveryResourceType.TrailBucket, Name = "lp-bucket", State = DiscoveryResourceState.Created });
        manifest.Resources.Add(new ManifestResource { Type = DiscoveryResourceType.ServiceRole, Name = "lp-analyzer-access", State = DiscoveryResourceState.Created });
        manifest.Resources.Add(new ManifestResource { Type = DiscoveryResourceType.RoleInlinePolicy, Name = "read-trail", Parent = "lp-analyzer-access", State = DiscoveryResourceState.Created });

        var results = await new DiscoveryCleanup(iam, temp.Store, new RecordingReporter()).RemoveAsync(manifest, new DiscoveryCleanupOptions { KeepTrail = true }, null, CancellationToken.None);

        Assert.Equal(4, results.Count(r => r.Action == LPCleanupAction.Skipped));
        Assert.True(iam.Roles.ContainsKey("lp-analyzer-access"));
        Assert.Empty(iam.Users);
        Assert.Equal(DiscoverySessionState.Active, temp.Store.Load("lp-test-1").State);
    }
}
