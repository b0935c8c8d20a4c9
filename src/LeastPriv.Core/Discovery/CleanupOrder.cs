namespace LeastPriv.Core.Discovery;

/// <summary>
/// The order in which cleanup deletes a session's resources: what depends on something is
/// deleted before it (IAM refuses DeleteUser while keys or policies remain, DeleteConflict;
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html).
/// <list type="number">
/// <item>Trail: stop logging and delete first, so no new log files arrive while the rest goes.</item>
/// <item>Access keys: the discovery principal can no longer act.</item>
/// <item>Managed policy attachments, then inline policies, then permissions boundaries.</item>
/// <item>Users, roles and the Access Analyzer service role.</item>
/// <item>Customer managed policies the session created (only once nothing has them attached).</item>
/// <item>The trail bucket last: emptied and deleted after the trail stopped writing to it.</item>
/// </list>
/// Within one rank, later-created resources go first.
/// </summary>
public static class CleanupOrder
{
    public static int RankOf(DiscoveryResourceType type) => type switch
    {
        DiscoveryResourceType.Trail => 10,
        DiscoveryResourceType.AccessKey => 20,
        DiscoveryResourceType.UserPolicyAttachment or DiscoveryResourceType.RolePolicyAttachment => 30,
        DiscoveryResourceType.UserInlinePolicy or DiscoveryResourceType.RoleInlinePolicy => 40,
        DiscoveryResourceType.UserPermissionsBoundary => 50,
        DiscoveryResourceType.User or DiscoveryResourceType.Role or DiscoveryResourceType.ServiceRole => 60,
        DiscoveryResourceType.ManagedPolicy => 70,
        DiscoveryResourceType.TrailBucket => 80,
        _ => 100,
    };

    /// <summary>The manifest's resources in deletion order.</summary>
    public static IReadOnlyList<ManifestResource> Sort(IEnumerable<ManifestResource> resources)
        => resources
            .Select((r, i) => (Resource: r, Index: i))
            .OrderBy(x => RankOf(x.Resource.Type))
            .ThenByDescending(x => x.Index)
            .Select(x => x.Resource)
            .ToList();

    /// <summary>What -KeepTrail keeps: the trail, its bucket and the role Access Analyzer reads it with.</summary>
    public static bool IsTrailResource(ManifestResource resource, IEnumerable<ManifestResource> all)
    {
        if (resource.Type is DiscoveryResourceType.Trail or DiscoveryResourceType.TrailBucket or DiscoveryResourceType.ServiceRole)
        {
            return true;
        }

        return resource.Parent is not null
            && all.Any(r => r.Type == DiscoveryResourceType.ServiceRole && string.Equals(r.Name, resource.Parent, StringComparison.Ordinal));
    }
}
